import { memoryStore } from './memory-store.js';
import { produceStream, RelayStop } from './producer.js';
import { encodeEvent, HEARTBEAT, parseResumePoint } from './sse-encode.js';
import type { Relay, RelayOptions, RelayStats, RelayStore, Upstream } from './types.js';

/** Events read from the store per pull. */
const BATCH_EVENTS = 64;
/** A chunk stops growing past this many characters (at least one event goes in), so large events are not batched. */
const CHUNK_CHARS = 64 * 1024;
/** Bytes queued per client before the relay stops reading the store for it: the per-client memory bound. */
const CLIENT_HIGH_WATER_BYTES = 16 * 1024;

const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

function jsonError(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: { message, type: 'relay_error', code } }), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  });
}

function newStreamId(): string {
  return globalThis.crypto.randomUUID().replace(/-/g, '');
}

interface ProducerState {
  abort: AbortController;
  /** Clients of this instance attached to the stream (for onClientGone: 'abort'). */
  attached: number;
  /** What the store holds: followers on this instance are woken from here, not through the store. */
  lastSeq: number;
  finished: boolean;
  wakers: Set<() => void>;
  done: Promise<void>;
}

/** Like RelayStore.wait, for a stream produced by this instance: no store round trip, no blocking connection. */
function waitForProducer(producer: ProducerState, afterSeq: number, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
  if (producer.finished || producer.lastSeq > afterSeq) return Promise.resolve(true);
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const settle = (value: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      producer.wakers.delete(wake);
      resolve(value);
    };
    const wake = () => {
      if (producer.finished || producer.lastSeq > afterSeq) settle(true);
    };
    const onAbort = () => settle(false);
    const timer = setTimeout(() => settle(false), timeoutMs);
    producer.wakers.add(wake);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function wakeFollowers(producer: ProducerState): void {
  for (const wake of [...producer.wakers]) wake();
}

interface ClientFeed {
  bufferedBytes(): number;
  detach(): void;
}

/**
 * The server half of resumable streams: runs each upstream once, stores its events with ids
 * `<streamId>:<seq>`, and serves any client — the first one, or one reconnecting with `Last-Event-ID`,
 * on this instance or another sharing the store — from the store, as fast as that client reads.
 */
export function createRelay(options: RelayOptions = {}): Relay {
  const store: RelayStore = options.store ?? memoryStore();
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const ttlMs = options.ttlMs ?? 600_000;
  // While its upstream runs (at most ttlMs) a stream is kept longer than that, so that the TTL abort and the
  // store's expiry never race: the in-band error always lands. After the end, ttlMs is the resume window.
  const liveTtlMs = 2 * ttlMs;
  const onClientGone = options.onClientGone ?? 'continue';
  const reportError = options.onError ?? ((error: unknown) => console.error('[@tokenstream/server]', error));
  const encoder = new TextEncoder();
  const heartbeatBytes = encoder.encode(HEARTBEAT);
  const producers = new Map<string, ProducerState>();
  const clients = new Set<ClientFeed>();

  function startProducer(streamId: string, upstream: Upstream, request: Request): void {
    const abort = new AbortController();
    const ttlTimer = setTimeout(() => abort.abort(new RelayStop({
      message: `Relay TTL of ${ttlMs} ms reached; upstream stopped`, type: 'api_error', code: 'relay_ttl_exceeded',
    })), ttlMs);
    const state: ProducerState = { abort, attached: 0, lastSeq: 0, finished: false, wakers: new Set(), done: Promise.resolve() };
    producers.set(streamId, state);
    const onAppended = (lastSeq: number) => {
      state.lastSeq = lastSeq;
      wakeFollowers(state);
    };
    state.done = produceStream({ streamId, store, liveTtlMs, ttlMs, upstream, request, signal: abort.signal, onAppended })
      .catch((error: unknown) => {
        abort.abort();
        reportError(error);
      })
      .finally(() => {
        clearTimeout(ttlTimer);
        producers.delete(streamId);
        state.finished = true;
        wakeFollowers(state);
      });
  }

  function streamToClient(streamId: string, afterSeq: number, request: Request): Response {
    let cursor = afterSeq;
    let detached = false;
    let controllerRef: ReadableStreamDefaultController<Uint8Array> | null = null;
    const stopWaiting = new AbortController();
    const producer = producers.get(streamId);
    if (producer) producer.attached++;

    const detach = (clientGone: boolean) => {
      if (detached) return;
      detached = true;
      stopWaiting.abort();
      clients.delete(feed);
      request.signal.removeEventListener('abort', onRequestAbort);
      if (!producer) return;
      producer.attached--;
      if (clientGone && onClientGone === 'abort' && producer.attached === 0) {
        producer.abort.abort(new RelayStop({ message: 'The client disconnected; upstream aborted (onClientGone: abort)',
          type: 'api_error', code: 'client_gone' }));
      }
    };
    const onRequestAbort = () => detach(true);
    const feed: ClientFeed = {
      bufferedBytes: () => (controllerRef && !detached
        ? Math.max(0, CLIENT_HIGH_WATER_BYTES - (controllerRef.desiredSize ?? CLIENT_HIGH_WATER_BYTES)) : 0),
      detach: () => {
        detach(false);
        try {
          controllerRef?.close();
        } catch {
          // already closed or errored
        }
      },
    };
    clients.add(feed);
    if (request.signal.aborted) detach(true);
    else request.signal.addEventListener('abort', onRequestAbort, { once: true });

    const finish = (controller: ReadableStreamDefaultController<Uint8Array>) => {
      detach(false);
      controller.close();
    };

    // Pull-driven: the store is read only when the client has taken what was queued, so a slow reader
    // holds at most CLIENT_HIGH_WATER_BYTES plus one chunk here, however fast the upstream is.
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controllerRef = controller;
      },
      async pull(controller) {
        try {
          for (;;) {
            if (detached) return;
            const result = await store.read(streamId, cursor, BATCH_EVENTS);
            if (detached) return;
            // Expired under a follower (e.g. its producer's instance died): end the body; the client's
            // reconnect then gets the 404 that explains it.
            if (!result) return finish(controller);
            if (result.nextSeq > cursor + 1) {
              throw new Error(`Stream ${streamId}: events after ${cursor} were evicted before this client read them`);
            }
            if (result.events.length > 0) {
              let text = '';
              let taken = 0;
              while (taken < result.events.length && (taken === 0 || text.length < CHUNK_CHARS)) {
                text += encodeEvent(streamId, result.events[taken]);
                taken++;
              }
              cursor = result.events[taken - 1].seq;
              controller.enqueue(encoder.encode(text));
              if (result.ended && taken === result.events.length) finish(controller);
              return;
            }
            if (result.ended) return finish(controller);
            const woke = producer
              ? await waitForProducer(producer, cursor, heartbeatMs, stopWaiting.signal)
              : await store.wait(streamId, cursor, heartbeatMs, stopWaiting.signal);
            if (detached) return;
            if (!woke) {
              controller.enqueue(heartbeatBytes);
              return;
            }
          }
        } catch (error) {
          if (detached) return;
          detach(false);
          controller.error(error);
          reportError(error);
        }
      },
      cancel() {
        detach(true);
      },
    }, { highWaterMark: CLIENT_HIGH_WATER_BYTES, size: (chunk) => chunk.byteLength });

    return new Response(body, { status: 200, headers: { ...SSE_HEADERS, 'x-tokenstream-stream-id': streamId } });
  }

  async function handle(request: Request, opts: { upstream: Upstream }): Promise<Response> {
    try {
      return await route(request, opts.upstream);
    } catch (error) {
      // The store is unreachable (e.g. Redis down): a 5xx the client retries, with its Last-Event-ID.
      reportError(error);
      return jsonError(503, 'store_unavailable', 'The relay cannot reach its store; retry shortly', { 'retry-after': '1' });
    }
  }

  async function route(request: Request, upstream: Upstream): Promise<Response> {
    const resume = parseResumePoint(request);
    if (resume === 'invalid') {
      return jsonError(400, 'invalid_resume_point',
        'Last-Event-ID (or ?stream=&after=) is not a position this relay handed out; expected <streamId>:<seq>');
    }
    if (resume) {
      const probe = await store.read(resume.streamId, resume.afterSeq, 1);
      if (!probe) {
        return jsonError(404, 'stream_not_found', `Stream ${resume.streamId} is unknown or has expired; start a new request`);
      }
      // A position past the stream's end was never handed out; following from it could only stall.
      if (resume.afterSeq > probe.lastSeq) {
        return jsonError(400, 'invalid_resume_point', `Stream ${resume.streamId} has no event ${resume.afterSeq}`);
      }
      if (probe.nextSeq > resume.afterSeq + 1) {
        return jsonError(410, 'events_evicted',
          `Stream ${resume.streamId} no longer holds the events after ${resume.afterSeq}; start a new request`);
      }
      return streamToClient(resume.streamId, resume.afterSeq, request);
    }
    const streamId = newStreamId();
    if (!(await store.create(streamId, liveTtlMs))) {
      return jsonError(503, 'relay_full', 'The relay holds as many streams as it may; retry shortly', { 'retry-after': '1' });
    }
    startProducer(streamId, upstream, request);
    return streamToClient(streamId, 0, request);
  }

  function stats(): RelayStats {
    let bufferedBytes = 0;
    let maxClientBufferedBytes = 0;
    for (const client of clients) {
      const bytes = client.bufferedBytes();
      bufferedBytes += bytes;
      if (bytes > maxClientBufferedBytes) maxClientBufferedBytes = bytes;
    }
    return { upstreams: producers.size, clients: clients.size, bufferedBytes, maxClientBufferedBytes };
  }

  async function close(): Promise<void> {
    for (const client of [...clients]) client.detach();
    const running = [...producers.values()];
    for (const producer of running) {
      producer.abort.abort(new RelayStop({ message: 'The relay is shutting down', type: 'api_error', code: 'relay_closed' }));
    }
    await Promise.all(running.map((producer) => producer.done));
  }

  return { handle, stats, close };
}
