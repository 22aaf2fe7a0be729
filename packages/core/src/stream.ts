import { DEFAULT_ACCEPT, resolveHeaders } from './transport/request';
import { StreamSnapshotStore } from './store/stream-store';
import { StreamRun } from './stream-run';
import type { StreamController, StreamOptions, StreamSnapshot } from './types';

const IDLE_SNAPSHOT: StreamSnapshot = Object.freeze({
  status: 'idle',
  text: '',
  reasoning: '',
  toolCalls: [],
  usage: null,
  finishReason: null,
  model: null,
  id: null,
  error: null,
  metrics: { ttftMs: null, durationMs: 0, tokensPerSecond: null, deltas: 0, bytes: 0, reconnects: 0 },
  queuePosition: null,
}) as StreamSnapshot;

/**
 * A controller for one stream at a time: start() runs it (a new start() supersedes the running one), stop() aborts and
 * keeps the partial output, reset() returns to idle. Nothing runs and nothing touches the DOM until start().
 */
export function createStream(initialOptions: StreamOptions): StreamController {
  /** Replaced by setOptions: request fields are read at each start()/join(), callbacks live (see liveCallbacks). */
  let options = initialOptions;
  const store = new StreamSnapshotStore(IDLE_SNAPSHOT, options.throttle ?? 'frame');
  // A running stream calls the newest callbacks, not the ones it started with (a binding re-renders with new closures).
  const liveCallbacks: Pick<StreamOptions, 'onEvent' | 'onDelta' | 'onFinish' | 'onError'> = {
    onEvent: (event) => options.onEvent?.(event),
    onDelta: (delta) => options.onDelta?.(delta),
    onFinish: (snapshot) => options.onFinish?.(snapshot),
    onError: (error) => options.onError?.(error),
  };
  let current: StreamRun | null = null;
  /** A join whose first GET is still pending (nothing published yet). */
  let pendingJoin: AbortController | null = null;
  const cancelPendingJoin = () => {
    pendingJoin?.abort();
    pendingJoin = null;
  };

  const controller: StreamController = {
    start(overrides) {
      cancelPendingJoin();
      current?.detach();
      const runOptions = { ...options, ...liveCallbacks, ...overrides };
      store.throttle = runOptions.throttle ?? 'frame';
      store.configure(runOptions.smooth);
      const run = new StreamRun(runOptions, store, IDLE_SNAPSHOT);
      current = run;
      const detachSignal = linkSignal(runOptions.signal, () => run.abort());
      const pacingReady = store.ready; // the first start() with `smooth` loads pacing before the run publishes
      return (pacingReady ? pacingReady.then(() => run.run()) : run.run()).finally(() => {
        detachSignal();
        if (current === run) current = null;
      });
    },
    async join(url, init) {
      cancelPendingJoin();
      current?.detach();
      current = null;
      const pending = new AbortController();
      pendingJoin = pending;
      const detachSignal = linkSignal(options.signal, () => pending.abort());
      const headers = joinHeaders(options.headers, init?.headers);
      const fetchImpl = options.fetch ?? globalThis.fetch;
      try {
        // Loaded on demand: an app that never joins does not ship it. Should the chunk fail to load, the join is a
        // plain GET run (it shows 'connecting' before the answer, and a 204 ends it idle all the same).
        const join = await import('./join').catch(() => null);
        if (pendingJoin !== pending) return store.getSnapshot(); // stopped, or superseded by a start/join
        if (!join) return await controller.start({ url, method: 'GET', body: undefined, headers });
        const opening = await join.openJoin(String(url), headers, fetchImpl, pending.signal);
        if (pendingJoin !== pending) return store.getSnapshot(); // stopped, or superseded by a start/join
        pendingJoin = null;
        if (opening.kind === 'stopped') return store.getSnapshot();
        if (opening.kind === 'nothing-running') {
          store.set(IDLE_SNAPSHOT);
          return IDLE_SNAPSHOT;
        }
        const overrides = { url, method: 'GET', body: undefined, headers, fetch: opening.fetch };
        return await controller.start(overrides).finally(opening.release);
      } finally {
        detachSignal();
      }
    },
    stop() {
      cancelPendingJoin();
      current?.abort();
    },
    reset() {
      cancelPendingJoin();
      current?.detach();
      current = null;
      store.cancel();
      store.set(IDLE_SNAPSHOT);
    },
    setOptions(next) {
      options = next;
    },
    getSnapshot: store.getSnapshot,
    subscribe: store.subscribe,
  };
  return controller;
}

/** Headers of a join: the stream's own (a function is called again on every attempt) with `extra` on top. */
function joinHeaders(headers: StreamOptions['headers'], extra: HeadersInit | undefined): () => Promise<Record<string, string>> {
  // resolveHeaders checks names and values without quoting them (a bad token must not reach an error message).
  return async () => ({ accept: DEFAULT_ACCEPT, ...(await resolveHeaders(headers)), ...(await resolveHeaders(extra)) });
}

function linkSignal(signal: AbortSignal | undefined, onAbort: () => void): () => void {
  if (!signal) return () => undefined;
  if (signal.aborted) {
    onAbort();
    return () => undefined;
  }
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}
