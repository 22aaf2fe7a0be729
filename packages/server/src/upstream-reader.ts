import { createProviderAdapter, isProtocolLine, type Delta, type ProviderAdapter } from '@tokenstream/core';
import { createFramer, createFramingSniffer, framingFromContentType, type FramedEvent, type Framer, type Framing }
  from '@tokenstream/core/wire';
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

const overflow = (limit: number): RelayFailure => ({
  message: `An upstream line or event exceeded maxEventBytes (${limit} bytes); upstream aborted`,
  type: 'invalid_response_error', code: 'overflow',
});

/** UTF-8 length of a string, without encoding it. */
function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 2; // a pair: 2 code units, 4 bytes
      i++;
    } else bytes += 2;
  }
  return bytes;
}

const isTerminal = (deltas: Delta | Delta[] | null): { done: boolean; error: boolean } => {
  const list = deltas === null ? [] : Array.isArray(deltas) ? deltas : [deltas];
  return { done: list.some((d) => d.done === true), error: list.some((d) => d.error !== undefined) };
};

/**
 * Reads an accepted (2xx) upstream body with core's wire layer: framing by content-type (sniffed when it says
 * little), every line and event bounded by `maxEventBytes`, and completeness decided by core's adapters, so that an
 * empty body, an unknown protocol, or a body cut before the provider's last signal becomes an in-band error instead
 * of a clean-looking end (after which a client would pay for the same answer again).
 */
export async function readUpstream(response: Response, options: ReadUpstreamOptions): Promise<UpstreamOutcome> {
  const { maxEventBytes, signal } = options;
  const announced = framingFromContentType(response.headers.get('content-type'));
  let shape: ErrorShape | null = null;
  if (!response.body || announced === null) {
    await response.body?.cancel().catch(() => undefined);
    return { shape, failure: { message: 'The upstream answered 200 with a body that is not a stream', type: 'api_error',
      code: 'upstream_not_a_stream' } };
  }

  const reader = response.body.getReader();
  const cancelReader = () => void reader.cancel(signal.reason).catch(() => undefined);
  signal.addEventListener('abort', cancelReader, { once: true });
  const decoder = new TextDecoder();
  let framing: Framing | null = announced === 'json' || announced === 'sniff' ? null : announced;
  let framer: Framer | null = null;
  const sniffer = createFramingSniffer({ hint: announced === 'json' ? 'json' : 'sniff', recognizes: isProtocolLine });
  /** Text held while the sniffer decides (pieces, joined once). */
  let sniffed: string[] = [];
  let sniffedChars = 0;
  let adapter: ProviderAdapter | null = null;
  let events = 0;
  let complete = false;
  let bytesSinceBreak = 0;
  let failure: RelayFailure | null = null;

  const start = (chosen: Framing) => {
    framing = chosen;
    framer = createFramer(chosen, { maxEventChars: maxEventBytes });
    adapter = chosen === 'text' ? null : createProviderAdapter('auto');
    adapter?.open?.(response.headers);
  };
  if (framing) start(framing);

  /** Checks and classifies framed events; returns those to forward (stops at the first failure). */
  const accept = (framed: FramedEvent[]): ShapedEvent[] => {
    const out: ShapedEvent[] = [];
    for (const { event } of framed) {
      if (utf8Length(event.data) > maxEventBytes) {
        failure = overflow(maxEventBytes);
        break;
      }
      let data = event.data;
      if (adapter) {
        let verdict: { done: boolean; error: boolean };
        try {
          verdict = isTerminal(adapter.parse(event));
        } catch (error) {
          failure = { message: options.redact(`The upstream stream is not one the relay can read: ${
            error instanceof Error ? error.message : String(error)}`).slice(0, 300), type: 'invalid_response_error',
            code: 'unrecognised_stream' };
          break;
        }
        if (verdict.done) complete = true;
        // Provider error events may quote the request's key: they are the one kind of event the relay rewrites.
        if (verdict.error) {
          complete = true;
          data = redactEventData(data, options.redact);
        }
      }
      const shaped = { event: event.event, data };
      if (events === 0) shape = errorShapeOf(shaped);
      events++;
      out.push(shaped);
    }
    return out;
  };

  const feed = (text: string, ended: boolean): ShapedEvent[] => {
    const framed: FramedEvent[] = [];
    if (!framer) {
      sniffed.push(text);
      sniffedChars += text.length;
      const chosen = sniffer.push(text, ended);
      if (chosen === undefined) {
        if (sniffedChars > maxEventBytes) failure = overflow(maxEventBytes);
        return [];
      }
      start(chosen);
      text = sniffed.join('');
      sniffed = [];
    }
    const active = framer as Framer | null;
    if (!active) return [];
    try {
      active.feed(text, framed);
      if (ended && !active.end(framed) && !complete) {
        failure = { message: 'The upstream stream ended in the middle of an event', type: 'api_error', code: 'upstream_dropped' };
      }
    } catch {
      // core's framer throws 'overflow' past maxEventChars: the same limit, counted before the byte check.
      failure = overflow(maxEventBytes);
    }
    return accept(framed);
  };

  let lastYieldAt = Date.now();
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (signal.aborted) return { shape, failure: null };
        return { shape, failure: { message: options.redact(`The upstream stream broke off${
          error instanceof Error && error.message ? `: ${error.message}` : ''}`).slice(0, 300), type: 'api_error',
          code: 'upstream_dropped' } };
      }
      if (signal.aborted) return { shape, failure: null };
      if (chunk.done) {
        const batch = feed(decoder.decode(), true);
        if (batch.length > 0) await options.onEvents(batch);
        break;
      }
      // A line is bounded in bytes before any of it is decoded or joined: a 1 GiB line costs at most maxEventBytes.
      if (framing !== 'text' && framing !== 'json-array') {
        const value = chunk.value;
        const lastBreak = Math.max(value.lastIndexOf(10), value.lastIndexOf(13));
        bytesSinceBreak = lastBreak === -1 ? bytesSinceBreak + value.byteLength : value.byteLength - lastBreak - 1;
        if (bytesSinceBreak > maxEventBytes) return { shape, failure: overflow(maxEventBytes) };
      }
      const batch = feed(decoder.decode(chunk.value, { stream: true }), false);
      if (batch.length > 0) await options.onEvents(batch);
      if (failure) return { shape, failure };
      // An upstream that is always ready (in process, or a fast local model) would keep this loop on microtasks
      // only: give timers and other clients' I/O a turn every few milliseconds.
      if (Date.now() - lastYieldAt > YIELD_EVERY_MS) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYieldAt = Date.now();
      }
    }
    if (failure) return { shape, failure };
    if (events === 0) {
      return { shape, failure: { message: 'The upstream answered without any event', type: 'api_error', code: 'upstream_empty' } };
    }
    if (complete || !adapter) return { shape, failure: null };
    const ending = adapter as ProviderAdapter;
    if (ending.end && isTerminal(ending.end()).done) return { shape, failure: null };
    return { shape, failure: { message: 'The upstream stream ended before the provider\'s end-of-stream signal',
      type: 'api_error', code: 'upstream_dropped' } };
  } finally {
    signal.removeEventListener('abort', cancelReader);
    void reader.cancel().catch(() => undefined);
  }
}
