import { encodeSseEvent, formatEventId, SSE_HEARTBEAT, sseEventPieces } from '@tokenstream/core/wire';
import { errorShapeOf, inBandError, type ErrorShape, type RelayFailure } from './in-band.js';
import { waitForRun, type Run } from './run.js';
import type { RelayStore, StoredEvent } from './types.js';

/** Events read from the store per pull. */
const BATCH_EVENTS = 64;
/** Events up to this many characters are batched into one chunk; larger ones are written in pieces. */
const SMALL_EVENT_CHARS = 4 * 1024;
/** Characters per chunk when batching small events. */
const CHUNK_CHARS = 16 * 1024;
/** Bytes queued per client before the relay stops producing for it: with one piece, the per-client memory bound. */
const CLIENT_HIGH_WATER_BYTES = 16 * 1024;

export interface ClientFeed {
  bufferedBytes(): number;
  /** ms since the client last took something, while its buffer is full; 0 while it keeps up. */
  stalledForMs(now: number): number;
  /** Ends the client's stream: `error` cuts the connection (the client reconnects), else it closes cleanly. */
  end(error?: Error): void;
}

export interface FeedSource {
  runId: string;
  /** The run, when this instance produces it: read from memory, never from the store. */
  run: Run | null;
  afterSeq: number;
}

export interface FeedContext {
  store: RelayStore;
  heartbeatMs: number;
  request: Request;
  onDetach(feed: ClientFeed, clientGone: boolean): void;
  reportError(error: unknown): void;
}

const encoder = new TextEncoder();
const heartbeatBytes = encoder.encode(SSE_HEARTBEAT);

/**
 * One client's SSE body: pull-driven, so the relay produces for a client only as fast as it reads, and writes a
 * large event in pieces, so a client that reads nothing holds at most CLIENT_HIGH_WATER_BYTES plus one piece
 * however large the events are.
 */
export function openClientFeed(source: FeedSource, ctx: FeedContext): { body: ReadableStream<Uint8Array>; feed: ClientFeed } {
  const { runId, run } = source;
  let cursor = source.afterSeq;
  let queued: StoredEvent[] = [];
  let storeEnded = false;
  let pieces: Generator<string> | null = null;
  let shape: ErrorShape | null = null;
  let detached = false;
  let lastPullAt = Date.now();
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | null = null;
  const stopWaiting = new AbortController();

  const detach = (clientGone: boolean) => {
    if (detached) return;
    detached = true;
    stopWaiting.abort();
    ctx.request.signal.removeEventListener('abort', onRequestAbort);
    ctx.onDetach(feed, clientGone);
  };
  const onRequestAbort = () => detach(true);
  const feed: ClientFeed = {
    bufferedBytes: () => (controllerRef && !detached
      ? Math.max(0, CLIENT_HIGH_WATER_BYTES - (controllerRef.desiredSize ?? CLIENT_HIGH_WATER_BYTES)) : 0),
    stalledForMs: (now) => (controllerRef && !detached && (controllerRef.desiredSize ?? 1) <= 0 ? now - lastPullAt : 0),
    end: (error) => {
      if (detached) return;
      detach(error !== undefined);
      try {
        if (error) controllerRef?.error(error);
        else controllerRef?.close();
      } catch {
        // already closed or errored
      }
    },
  };

  /** The next events after the cursor, from memory or the store; null at the end; 'wait' when none yet. */
  const nextEvents = async (): Promise<StoredEvent[] | null | 'wait' | RelayFailure> => {
    if (run) {
      if (run.events.length > cursor) return run.events.slice(cursor, cursor + BATCH_EVENTS);
      return run.finished ? null : 'wait';
    }
    if (queued.length > 0) return queued;
    if (storeEnded) return null;
    const result = await ctx.store.read(runId, cursor, BATCH_EVENTS);
    // Expired under a follower: end the body; the client's reconnect gets the 404 that explains it.
    if (!result) return null;
    if (result.nextSeq > cursor + 1) {
      return { message: 'Events of this stream were evicted before this client read them', type: 'api_error',
        code: 'events_evicted' };
    }
    queued = result.events;
    storeEnded = result.ended;
    if (queued.length > 0) return queued;
    if (result.ended) return null;
    if (!result.producerAlive) {
      return { message: 'The relay instance producing this stream stopped', type: 'api_error', code: 'producer_lost' };
    }
    return 'wait';
  };

  const take = (count: number) => {
    if (!run) queued = queued.slice(count);
  };

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controllerRef = controller;
    },
    async pull(controller) {
      lastPullAt = Date.now();
      try {
        for (;;) {
          if (detached) return;
          if (pieces) {
            const piece = pieces.next();
            if (!piece.done) return controller.enqueue(encoder.encode(piece.value));
            pieces = null;
          }
          const next = await nextEvents();
          if (detached) return;
          if (next === null) {
            detach(false);
            return controller.close();
          }
          if (next === 'wait') {
            const woke = run ? await waitForRun(run, cursor, ctx.heartbeatMs, stopWaiting.signal)
              : await ctx.store.wait(runId, cursor, ctx.heartbeatMs, stopWaiting.signal);
            if (detached) return;
            if (!woke) return controller.enqueue(heartbeatBytes);
            continue;
          }
          if (!Array.isArray(next)) {
            // No id: the client's Last-Event-ID stays at the last event it really got.
            controller.enqueue(encoder.encode(encodeSseEvent('', ...eventOf(inBandError(shape, next)))));
            detach(false);
            return controller.close();
          }
          let text = '';
          let taken = 0;
          for (const event of next) {
            if (shape === null) shape = errorShapeOf(event);
            const id = formatEventId({ generation: runId, seq: event.seq });
            if (event.data.length > SMALL_EVENT_CHARS) {
              if (text !== '') break;
              pieces = sseEventPieces(id, event.event, event.data);
              taken++;
              cursor = event.seq;
              break;
            }
            text += encodeSseEvent(id, event.event, event.data);
            taken++;
            cursor = event.seq;
            if (text.length >= CHUNK_CHARS) break;
          }
          take(taken);
          if (text !== '') return controller.enqueue(encoder.encode(text));
        }
      } catch (error) {
        if (detached) return;
        detach(false);
        controller.error(error);
        ctx.reportError(error);
      }
    },
    cancel() {
      detach(true);
    },
  }, { highWaterMark: CLIENT_HIGH_WATER_BYTES, size: (chunk) => chunk.byteLength });

  if (ctx.request.signal.aborted) detach(true);
  else ctx.request.signal.addEventListener('abort', onRequestAbort, { once: true });
  return { body, feed };
}

function eventOf(shaped: { event: string; data: string }): [string, string] {
  return [shaped.event, shaped.data];
}
