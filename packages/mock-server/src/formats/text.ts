import type { MockAnswer } from '../answer';
import type { ProviderFormat, WireEvent } from './types';

// Plain text: each text token is one chunk of `text/plain; charset=utf-8`; no reasoning, tools or usage on
// the wire, no in-band errors and nothing that could be malformed. The body ending is the end of the answer.

function* textEvents(a: MockAnswer): Iterable<WireEvent> {
  for (const t of a.textTokens) yield { data: t, token: true };
}

export const textFormat: ProviderFormat = {
  name: 'text',
  framing: 'text',
  contentType: 'text/plain; charset=utf-8',
  defaultModel: 'mock',
  events: textEvents,
  inbandError: () => null,
  stopped: () => null,
  malformed: () => null,
  errorBody: (status, message) => ({ contentType: 'text/plain; charset=utf-8', body: `${status} ${message}` }),
};
