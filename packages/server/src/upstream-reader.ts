import { createProviderAdapter, isProtocolLine, StreamError, type Delta, type ProviderAdapter } from '@tokenstream/core';
import { BodyEventReader, framingFromContentType, type FramedEvent } from '@tokenstream/core/wire';
import { errorShapeOf, type ErrorShape, type RelayFailure, type ShapedEvent } from './in-band.js';
import { redactEventData, type Redactor } from './redact.js';

/** Longest stretch the upstream loop runs without letting timers and other I/O in. */
const YIELD_EVERY_MS = 8;

export interface ReadUpstreamOptions {
  signal: AbortSignal;
  maxEventBytes: number;
  redact: Redactor;
  /** Receives each chunk's complete events; the next chunk is read once it resolves (the relay's backpressure). */
  onEvents(events: ShapedEvent[]): Promise<void>;
}

export interface UpstreamOutcome {
  /** Why the stream is incomplete (reported in-band by the caller); null when it completed. */
  failure: RelayFailure | null;
  /** The error shape the events revealed. */
  shape: ErrorShape | null;
}

const isTerminal = (deltas: Delta | Delta[] | null): { done: boolean; error: boolean } => {
  const list = deltas === null ? [] : Array.isArray(deltas) ? deltas : [deltas];
  return { done: list.some((d) => d.done === true), error: list.some((d) => d.error !== undefined) };
};

const overflow = (limit: number): RelayFailure => ({
  message: `An upstream line or event exceeded maxEventBytes (${limit} bytes); upstream aborted`,
  type: 'invalid_response_error', code: 'overflow',
});

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * An event over the limit in UTF-8 bytes (core's reader bounds lines in bytes, events in characters). Only an event
 * whose characters could pass the limit is looked at, and only a non-ASCII one is encoded to be measured.
 */
const exceedsBytes = (data: string, limit: number): boolean => data.length * 3 > limit &&
  (data.length > limit || (NON_ASCII.test(data) && new TextEncoder().encode(data).byteLength > limit));

/** Why core's reader stopped, as the relay reports it in-band (never quoting a secret). */
function readFailure(error: unknown, options: ReadUpstreamOptions): RelayFailure {
  if (error instanceof StreamError && error.kind === 'overflow') return overflow(options.maxEventBytes);
  if (error instanceof StreamError && error.kind === 'network') {
    const cause = error.cause instanceof Error && error.cause.message ? `: ${error.cause.message}` : '';
    return { message: options.redact(`The upstream stream broke off${cause}`).slice(0, 300), type: 'api_error',
      code: 'upstream_dropped' };
  }
  return unrecognised(error, options.redact);
}

const unrecognised = (error: unknown, redact: Redactor): RelayFailure => ({
  message: redact(`The upstream stream is not one the relay can read: ${
    error instanceof Error ? error.message : String(error)}`).slice(0, 300),
  type: 'invalid_response_error', code: 'unrecognised_stream',
});

/**
 * Reads an accepted (2xx) upstream body with core's reader (the browser engine's: framing by content-type, sniffed
 * when it says little, every line and event bounded by `maxEventBytes`) and decides completeness with core's
 * adapters, so that an empty body, an unknown protocol, or a body cut before the provider's last signal becomes an
 * in-band error instead of a clean-looking end (after which a client would pay for the same answer again).
 */
export async function readUpstream(response: Response, options: ReadUpstreamOptions): Promise<UpstreamOutcome> {
  const { signal } = options;
  const framing = framingFromContentType(response.headers.get('content-type'));
  let shape: ErrorShape | null = null;
  if (!response.body || framing === null) {
    await response.body?.cancel().catch(() => undefined);
    return { shape, failure: { message: 'The upstream answered 200 with a body that is not a stream', type: 'api_error',
      code: 'upstream_not_a_stream' } };
  }

  const reader = new BodyEventReader(response.body, { framing, maxEventChars: options.maxEventBytes, recognizes: isProtocolLine });
  const stop = () => reader.release();
  signal.addEventListener('abort', stop, { once: true });
  /** Core's adapter for the framing the body showed (none for plain text); undefined until the first events. */
  let adapter: ProviderAdapter | null | undefined;
  let events = 0;
  let complete = false;

  /** Checks and classifies events with the adapter: those to forward, up to the first one over the limit or unread. */
  const classify = (batch: FramedEvent[]): { forward: ShapedEvent[]; failure: RelayFailure | null } => {
    if (adapter === undefined) {
      adapter = reader.framing === 'text' ? null : createProviderAdapter('auto');
      adapter?.open?.(response.headers);
    }
    const forward: ShapedEvent[] = [];
    for (const { event } of batch) {
      let data = event.data;
      if (exceedsBytes(data, options.maxEventBytes)) return { forward, failure: overflow(options.maxEventBytes) };
      if (adapter) {
        let verdict: { done: boolean; error: boolean };
        try {
          verdict = isTerminal(adapter.parse(event));
        } catch (error) {
          return { forward, failure: unrecognised(error, options.redact) };
        }
        complete ||= verdict.done || verdict.error;
        // Provider error events may quote the request's key: they are the one kind of event the relay rewrites.
        if (verdict.error) data = redactEventData(data, options.redact);
      }
      const shaped = { event: event.event, data };
      if (events === 0) shape = errorShapeOf(shaped);
      events++;
      forward.push(shaped);
    }
    return { forward, failure: null };
  };

  let lastYieldAt = Date.now();
  try {
    for (;;) {
      let batch: FramedEvent[] | null;
      try {
        batch = await reader.next();
      } catch (error) {
        return { shape, failure: signal.aborted ? null : readFailure(error, options) };
      }
      if (signal.aborted) return { shape, failure: null };
      if (batch === null) break;
      if (batch.length > 0) {
        const { forward, failure } = classify(batch);
        if (forward.length > 0) await options.onEvents(forward);
        if (failure) return { shape, failure };
      }
      // An upstream that is always ready (in process, or a fast local model) would keep this loop on microtasks
      // only: give timers and other clients' I/O a turn every few milliseconds.
      if (Date.now() - lastYieldAt > YIELD_EVERY_MS) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYieldAt = Date.now();
      }
    }
    if (!reader.cleanEnd && !complete) {
      return { shape, failure: { message: 'The upstream stream ended in the middle of an event', type: 'api_error', code: 'upstream_dropped' } };
    }
    if (events === 0) {
      return { shape, failure: { message: 'The upstream answered without any event', type: 'api_error', code: 'upstream_empty' } };
    }
    const ending = adapter as ProviderAdapter | null;
    if (complete || !ending || (ending.end && isTerminal(ending.end()).done)) return { shape, failure: null };
    return { shape, failure: { message: 'The upstream stream ended before the provider\'s end-of-stream signal',
      type: 'api_error', code: 'upstream_dropped' } };
  } finally {
    signal.removeEventListener('abort', stop);
    reader.release();
  }
}
