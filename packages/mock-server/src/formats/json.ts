import type { MockAnswer } from '../answer';
import type { ProviderFormat, WireEvent } from './types';

// The hand-written backend of the tutorials (an Express or Next.js route relaying a model): SSE `data:` lines
// `{"content":"..."}` per text piece, then `data: [DONE]`; an error is `data: {"error":"..."}`. It carries text
// only: reasoning and tool calls have no form here, so a tool turn is just `[DONE]`.

function* jsonEvents(a: MockAnswer): Iterable<WireEvent> {
  for (const t of a.textTokens) yield { data: JSON.stringify({ content: t }), token: true };
  yield { data: '[DONE]' };
}

export const jsonFormat: ProviderFormat = {
  name: 'json',
  framing: 'sse',
  contentType: 'text/event-stream',
  defaultModel: 'mock',
  events: jsonEvents,
  inbandError: () => ({ data: JSON.stringify({ error: 'Something went wrong while generating the answer (mock fault).' }) }),
  // The relay writes its default shape for a backend it does not know: `{"error": {message, type, param, code}}`.
  stopped: (_ctx, stop) => ({ data: JSON.stringify({ error: { message: stop.message, type: 'api_error', param: null, code: stop.code } }) }),
  malformed: () => ({ data: '{"content":"cut of' }),
  errorBody: (_status, message) => ({ contentType: 'application/json', body: JSON.stringify({ error: message }) }),
};
