import { createParser, formatFromContentType, type UpstreamEvent } from './parse.js';
import { createShapeTracker, describeHttpError, inBandError, redactSecrets, shapeFromUrl, type ProviderShape,
  type RelayFailure } from './provider-shape.js';
import type { RelayStore, StoredEvent, Upstream } from './types.js';

/** Why the relay itself stopped an upstream; reported in-band so a resuming client learns it too. */
export class RelayStop extends Error {
  constructor(readonly failure: RelayFailure) {
    super(failure.message);
    this.name = 'RelayStop';
  }
}

const MAX_ERROR_BODY_CHARS = 4096;

async function readErrorBody(response: Response): Promise<string> {
  try {
    const text = await response.text();
    return text.length > MAX_ERROR_BODY_CHARS ? text.slice(0, MAX_ERROR_BODY_CHARS) : text;
  } catch {
    return '';
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    const causeText = cause instanceof Error && cause.message ? ` (${cause.message})` : '';
    return redactSecrets(`${error.message}${causeText}`);
  }
  return redactSecrets(String(error));
}

export interface ProducerRun {
  streamId: string;
  store: RelayStore;
  /** Kept while the upstream runs: longer than the upstream may run, so a silent upstream never outlives its stream. */
  liveTtlMs: number;
  /** Kept after the end: the resume window. */
  ttlMs: number;
  upstream: Upstream;
  request: Request;
  signal: AbortSignal;
  /** Called once events are in the store, with the last seq stored. */
  onAppended(lastSeq: number): void;
}

/**
 * Calls the upstream once and appends every event it sends to the store, then one in-band error event if it
 * failed, then the end mark. Reading waits for each append, so a slow store slows the upstream read instead
 * of growing a buffer. Resolves when the stream is complete in the store; rejects only when the store fails.
 */
export async function produceStream(run: ProducerRun): Promise<void> {
  const { streamId, store, liveTtlMs, ttlMs, signal } = run;
  const tracker = createShapeTracker();
  let seq = 0;

  const append = async (events: readonly UpstreamEvent[]) => {
    if (events.length === 0) return;
    const stored: StoredEvent[] = events.map((e) => ({ seq: ++seq, event: e.event, data: e.data }));
    await store.append(streamId, stored, liveTtlMs);
    run.onAppended(seq);
  };
  const stopReason = (): RelayFailure | null => (signal.reason instanceof RelayStop ? signal.reason.failure : null);
  // What the events revealed wins over what the URL suggests; with neither, OpenAI's shape.
  let urlShape: ProviderShape | null = null;
  const fail = (failure: RelayFailure) => append([inBandError(tracker.shape ?? urlShape, failure)]);

  try {
    let response: Response;
    try {
      response = await run.upstream(signal, run.request);
    } catch (error) {
      await fail(stopReason() ?? { message: `Upstream request failed: ${errorMessage(error)}`, type: 'api_error',
        code: 'upstream_network_error' });
      return;
    }

    urlShape = shapeFromUrl(response.url);
    if (!response.ok) {
      const { shape, failure } = describeHttpError(response.status, response.statusText, await readErrorBody(response),
        urlShape);
      await append([inBandError(shape, failure)]);
      return;
    }
    const format = formatFromContentType(response.headers.get('content-type'));
    if (!format || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      await fail({ message: `Upstream response is not a stream (content-type: ${response.headers.get('content-type') ?? 'none'})`,
        type: 'api_error', code: 'upstream_not_a_stream' });
      return;
    }

    const reader = response.body.getReader();
    // An upstream that ignores the signal is still stopped: cancelling the reader closes the connection.
    const cancelReader = () => void reader.cancel(signal.reason).catch(() => undefined);
    signal.addEventListener('abort', cancelReader, { once: true });
    const decoder = new TextDecoder();
    let batch: UpstreamEvent[] = [];
    const parser = createParser(format, (event) => {
      tracker.observe(event);
      batch.push(event);
    });
    const flush = async () => {
      const events = batch;
      batch = [];
      await append(events);
    };

    let readError: unknown = null;
    try {
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          readError = error;
          break;
        }
        if (signal.aborted) break;
        if (chunk.done) {
          parser.feed(decoder.decode());
          parser.end();
          await flush();
          break;
        }
        parser.feed(decoder.decode(chunk.value, { stream: true }));
        await flush();
      }
    } finally {
      signal.removeEventListener('abort', cancelReader);
      // After a store failure the body is left unread: close the connection now rather than at GC.
      void reader.cancel().catch(() => undefined);
    }

    if (signal.aborted) {
      await fail(stopReason() ?? { message: 'Upstream aborted', type: 'api_error', code: 'upstream_aborted' });
    } else if (readError !== null) {
      await fail({ message: `Upstream stream broke off: ${errorMessage(readError)}`, type: 'api_error', code: 'upstream_dropped' });
    } else if (tracker.shape !== null && !tracker.terminal) {
      await fail({ message: 'Upstream stream ended before the provider\'s end-of-stream signal', type: 'api_error',
        code: 'upstream_dropped' });
    }
  } finally {
    await store.end(streamId, ttlMs);
  }
}
