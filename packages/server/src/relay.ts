import { parseEventId } from '@tokenstream/core/wire';
import { openClientFeed, type ClientFeed } from './client-feed.js';
import { memoryStore } from './memory-store.js';
import { newRun, produce, stop, type Run } from './run.js';
import { createRedactor, describeError } from './redact.js';
import { withStoreTimeouts } from './store-timeout.js';
import type { HandleOptions, Relay, RelayOptions, RelayStats, StreamRef } from './types.js';

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

// One answer for "unknown", "expired" and "another owner's": the difference is nobody else's business.
const notFound = () => jsonError(404, 'stream_not_found', 'The stream is unknown or has expired; start a new request');
const storeUnavailable = () => jsonError(503, 'store_unavailable', 'The relay cannot reach its store; retry shortly',
  { 'retry-after': '1' });

/** The store key of an app's stream: owners have separate namespaces, so one user's ids never reach another's. */
const appKey = (ref: { streamId?: string; owner?: string }): string | null => (ref.streamId === undefined ? null
  : JSON.stringify([ref.owner ?? null, ref.streamId]));

interface ResumePoint {
  runId: string;
  afterSeq: number;
}

/**
 * Where a reconnecting client wants to continue: `Last-Event-ID: <runId>:<seq>` or `?stream=<runId>&after=<seq>`.
 * null for a new request; 'invalid' when it names a position in a form the relay never hands out.
 */
function parseResumePoint(request: Request): ResumePoint | 'invalid' | null {
  const lastEventId = request.headers.get('last-event-id');
  if (lastEventId !== null && lastEventId.trim() !== '') {
    const position = parseEventId(lastEventId);
    return position ? { runId: position.generation, afterSeq: position.seq } : 'invalid';
  }
  const url = new URL(request.url);
  const runId = url.searchParams.get('stream');
  if (runId === null) return null;
  const position = parseEventId(`${runId}:${url.searchParams.get('after') ?? '0'}`);
  return position ? { runId: position.generation, afterSeq: position.seq } : 'invalid';
}

/**
 * The server half of resumable streams: runs each upstream once, gives its events ids `<runId>:<seq>`, streams
 * them to the first client directly and keeps them in the store, from which a client reconnecting with
 * `Last-Event-ID` (on this instance or another sharing the store) or joining by the app's stream id is served.
 */
export function createRelay(options: RelayOptions = {}): Relay {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const ttlMs = options.ttlMs ?? 600_000;
  // While its upstream runs (at most ttlMs) a stream is kept longer than that, so that the TTL abort and the
  // store's expiry never race: the in-band error always lands. After the end, ttlMs is the resume window.
  const liveTtlMs = 2 * ttlMs;
  const leaseMs = 2 * heartbeatMs;
  const maxEventBytes = options.maxEventBytes ?? 8 * 1024 * 1024;
  const maxStreamsPerOwner = options.maxStreamsPerOwner ?? Number.POSITIVE_INFINITY;
  const clientIdleTimeoutMs = options.clientIdleTimeoutMs ?? 60_000;
  const storeTimeoutMs = options.storeTimeoutMs ?? 3_000;
  const onClientGone = options.onClientGone ?? 'continue';
  const secrets = options.secrets ?? [];
  const baseRedact = createRedactor(undefined, secrets);
  const log = options.onError ?? ((error: unknown) => console.error('[@tokenstream/server]', String(error)));
  // onError gets the failure redacted like everything else (a driver's message may quote a URL or a credential).
  const reportError = (error: unknown) => {
    const safe = new Error(describeError(error, baseRedact));
    safe.name = error instanceof Error ? error.name : 'Error';
    log(safe);
  };
  const store = withStoreTimeouts(options.store ?? memoryStore(), storeTimeoutMs);
  const runs = new Map<string, Run>();
  const runsByKey = new Map<string, Run>();
  const clients = new Set<ClientFeed>();
  /** Runs of each owner being registered in the store (counted by maxStreamsPerOwner). */
  const starting = new Map<string, number>();

  // Clients that take nothing while their buffer is full are cut: a reader that stopped never pins a slot.
  const idleSweep = setInterval(() => {
    const now = Date.now();
    for (const client of [...clients]) {
      if (client.stalledForMs(now) >= clientIdleTimeoutMs) client.end(new Error('The client stopped reading'));
    }
  }, Math.max(10, Math.min(1_000, clientIdleTimeoutMs / 4)));
  (idleSweep as { unref?: () => void }).unref?.();

  function startRun(runId: string, key: string | null, owner: string | null, stored: boolean, request: Request,
    opts: HandleOptions): Run {
    const run = newRun(runId, owner, key, stored);
    runs.set(runId, run);
    if (key !== null) runsByKey.set(key, run);
    const ttlTimer = setTimeout(() => run.abort.abort(stop('relay_ttl_exceeded',
      `Relay TTL of ${ttlMs} ms reached; upstream stopped`)), ttlMs);
    run.done = produce(run, { store, upstream: opts.upstream, request, liveTtlMs, ttlMs, leaseMs, heartbeatMs,
      maxEventBytes, redact: createRedactor(request, secrets), reportError })
      .catch((error: unknown) => {
        run.abort.abort();
        reportError(error);
      })
      .finally(() => {
        clearTimeout(ttlTimer);
        runs.delete(runId);
        if (key !== null && runsByKey.get(key) === run) runsByKey.delete(key);
      });
    return run;
  }

  function streamToClient(runId: string, run: Run | null, afterSeq: number, request: Request): Response {
    if (run) run.attached++;
    const { body, feed } = openClientFeed({ runId, run, afterSeq }, {
      store, heartbeatMs, request, reportError,
      onDetach: (detached, clientGone) => {
        clients.delete(detached);
        if (!run) return;
        run.attached--;
        if (clientGone && onClientGone === 'abort' && run.attached === 0 && !run.finished) {
          run.abort.abort(stop('client_gone', 'The client disconnected; upstream aborted (onClientGone: abort)'));
        }
      },
    });
    clients.add(feed);
    return new Response(body, { status: 200, headers: SSE_HEADERS });
  }

  /** Store failures become a 503 the client retries; nothing about the stream or the store's address leaks. */
  async function guarded(work: () => Promise<Response>): Promise<Response> {
    try {
      return await work();
    } catch (error) {
      reportError(error);
      return storeUnavailable();
    }
  }

  async function resume(request: Request, point: ResumePoint, owner: string | undefined): Promise<Response> {
    let probe = await store.read(point.runId, point.afterSeq, 1);
    if (!probe || probe.owner !== (owner ?? null)) return notFound();
    // The producer's first client gets each event before the store has it: a client cut right then and resumed on
    // another instance may name an event that is still on its way to the store. Wait for it, briefly.
    const deadline = Date.now() + storeTimeoutMs;
    while (probe && point.afterSeq > probe.lastSeq && !probe.ended && probe.producerAlive && Date.now() < deadline) {
      await store.wait(point.runId, probe.lastSeq, deadline - Date.now(), request.signal);
      probe = await store.read(point.runId, point.afterSeq, 1);
    }
    if (!probe) return notFound();
    // A position past the stream's end was never handed out; following from it could only stall.
    if (point.afterSeq > probe.lastSeq) {
      return jsonError(400, 'invalid_resume_point', 'The stream has no such event');
    }
    if (probe.nextSeq > point.afterSeq + 1) {
      return jsonError(410, 'events_evicted', 'The stream no longer holds those events; start a new request');
    }
    return streamToClient(point.runId, null, point.afterSeq, request);
  }

  async function handle(request: Request, opts: HandleOptions): Promise<Response> {
    const point = parseResumePoint(request);
    if (point === 'invalid') {
      return jsonError(400, 'invalid_resume_point',
        'Last-Event-ID (or ?stream=&after=) is not a position this relay handed out');
    }
    if (point) {
      const local = runs.get(point.runId);
      // A run produced here is resumed from memory even while the store is down.
      if (local && local.owner === (opts.owner ?? null)) {
        if (point.afterSeq > local.events.length) return jsonError(400, 'invalid_resume_point', 'The stream has no such event');
        return streamToClient(point.runId, local, point.afterSeq, request);
      }
      return guarded(() => resume(request, point, opts.owner));
    }
    const key = appKey(opts);
    const owner = opts.owner ?? null;
    if (key !== null) await supersede(key);
    if (owner !== null && countRuns(owner) >= maxStreamsPerOwner) {
      return jsonError(429, 'too_many_streams', 'This user already runs as many streams as the relay allows',
        { 'retry-after': '1' });
    }
    // The slot is taken before the first await: simultaneous POSTs of one owner cannot all pass the check.
    if (owner !== null) starting.set(owner, (starting.get(owner) ?? 0) + 1);
    try {
      const runId = globalThis.crypto.randomUUID().replace(/-/g, '');
      let stored = true;
      try {
        if (!(await store.create(runId, liveTtlMs, { owner: opts.owner, key: key ?? undefined, leaseMs }))) {
          return jsonError(503, 'relay_full', 'The relay holds as many streams as it may; retry shortly',
            { 'retry-after': '1' });
        }
      } catch (error) {
        // The store is down or hung: the answer is still served, only without resume.
        reportError(error);
        stored = false;
      }
      // A client that left meanwhile still gets a run: it ends at once, without an upstream call (see produce).
      const run = startRun(runId, key, owner, stored, request, opts);
      return streamToClient(runId, run, 0, request);
    } finally {
      if (owner !== null) {
        const left = (starting.get(owner) ?? 1) - 1;
        if (left === 0) starting.delete(owner);
        else starting.set(owner, left);
      }
    }
  }

  function countRuns(owner: string): number {
    let count = starting.get(owner) ?? 0;
    for (const run of runs.values()) if (run.owner === owner && !run.finished) count++;
    return count;
  }

  /** A new turn of an app stream ends the one still running: its upstream is aborted, its followers get the reason. */
  async function supersede(key: string): Promise<void> {
    const local = runsByKey.get(key);
    if (local && !local.finished) {
      local.abort.abort(stop('superseded', 'A newer request for this stream replaced this one'));
      await local.done;
      return;
    }
    try {
      const runId = await store.current(key);
      if (runId && !runs.has(runId)) await store.cancel(runId);
    } catch (error) {
      reportError(error);
    }
  }

  async function join(request: Request, ref: StreamRef): Promise<Response> {
    const key = appKey(ref)!;
    const owner = ref.owner ?? null;
    const local = runsByKey.get(key);
    const point = parseResumePoint(request);
    if (local && local.owner === owner) {
      const after = point && point !== 'invalid' && point.runId === local.runId && point.afterSeq <= local.events.length
        ? point.afterSeq : 0;
      return streamToClient(local.runId, local, after, request);
    }
    return guarded(async () => {
      const runId = await store.current(key);
      if (!runId) return new Response(null, { status: 204 });
      const probe = await store.read(runId, 0, 1);
      if (!probe || probe.owner !== owner) return new Response(null, { status: 204 });
      // A reconnect of this very run continues where it was; anything else is replayed from the first event.
      const after = point && point !== 'invalid' && point.runId === runId && point.afterSeq <= probe.lastSeq
        ? point.afterSeq : 0;
      return streamToClient(runId, null, after, request);
    });
  }

  async function cancel(_request: Request, ref: StreamRef): Promise<Response> {
    const key = appKey(ref)!;
    const owner = ref.owner ?? null;
    const local = runsByKey.get(key);
    if (local && local.owner === owner) {
      if (!local.finished) local.abort.abort(stop('cancelled', 'The stream was cancelled'));
      return new Response(null, { status: 204 });
    }
    return guarded(async () => {
      const runId = await store.current(key);
      const probe = runId ? await store.read(runId, 0, 1) : null;
      if (!runId || !probe || probe.owner !== owner) return notFound();
      if (!probe.ended) await store.cancel(runId);
      return new Response(null, { status: 204 });
    });
  }

  function stats(): RelayStats {
    let bufferedBytes = 0;
    let maxClientBufferedBytes = 0;
    for (const client of clients) {
      const bytes = client.bufferedBytes();
      bufferedBytes += bytes;
      if (bytes > maxClientBufferedBytes) maxClientBufferedBytes = bytes;
    }
    return { upstreams: runs.size, clients: clients.size, bufferedBytes, maxClientBufferedBytes };
  }

  async function close(): Promise<void> {
    clearInterval(idleSweep);
    for (const client of [...clients]) client.end();
    const running = [...runs.values()];
    for (const run of running) run.abort.abort(stop('relay_closed', 'The relay is shutting down'));
    await Promise.all(running.map((run) => run.done));
  }

  return { handle, join, cancel, stats, close };
}
