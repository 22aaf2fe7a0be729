import type { Delta, ProviderAdapter, RawEvent } from '../../src/types';

/** A RawEvent as the transport dispatches it: event name defaults to 'message'. */
export function ev(data: unknown, event = 'message'): RawEvent {
  return { event, data: typeof data === 'string' ? data : JSON.stringify(data), id: '' };
}

/** parse() as a list, whatever shape the adapter returned. */
export function parseAll(adapter: ProviderAdapter, ...events: RawEvent[]): Delta[] {
  return events.flatMap((event) => {
    const out = adapter.parse(event);
    return out === null ? [] : Array.isArray(out) ? out : [out];
  });
}

/** All deltas of several events merged into one view, for compact assertions. */
export function joined(deltas: Delta[]): { text: string; reasoning: string } {
  return {
    text: deltas.map((d) => d.text ?? '').join(''),
    reasoning: deltas.map((d) => d.reasoning ?? '').join(''),
  };
}

export function toolDeltas(deltas: Delta[]) {
  return deltas.flatMap((d) => (d.toolCall ? [d.toolCall] : []));
}
