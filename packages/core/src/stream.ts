import { StreamSnapshotStore } from './store/stream-store';
import { StreamRun } from './stream-run';
import { joinHeaders, openJoin } from './join';
import { abortedError } from './transport/http-attempt';
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
  /**
   * A join waiting for its pool slot or its first GET. Nothing is published meanwhile unless it had to queue
   * (`shown`): then 'queued', and 'connecting' once its slot came.
   */
  let pendingJoin: { abort: AbortController; shown: boolean } | null = null;
  const cancelPendingJoin = (stopped = false) => {
    const join = pendingJoin;
    pendingJoin = null;
    join?.abort.abort();
    // Stopped after it showed 'queued': it ends as a queued start() does (a new start/join or reset publishes its own).
    if (stopped && join?.shown) store.set({ ...IDLE_SNAPSHOT, status: 'aborted', error: abortedError() });
  };

  /** A run of the stream; `heldPoolSlot` is a slot the caller took already (a join that queued before its GET). */
  function startRun(overrides: Partial<StreamOptions> | undefined, heldPoolSlot?: () => void): Promise<StreamSnapshot> {
    cancelPendingJoin();
    current?.detach();
    const runOptions = { ...options, ...liveCallbacks, ...overrides };
    store.throttle = runOptions.throttle ?? 'frame';
    store.configure(runOptions.smooth);
    const run = new StreamRun(runOptions, store, IDLE_SNAPSHOT, heldPoolSlot);
    current = run;
    const detachSignal = linkSignal(runOptions.signal, () => run.abort());
    return run.run().finally(() => {
      detachSignal();
      if (current === run) current = null;
    });
  }

  const controller: StreamController = {
    start: (overrides) => startRun(overrides),
    async join(url, init) {
      cancelPendingJoin();
      current?.detach();
      current = null;
      const pending = { abort: new AbortController(), shown: false };
      pendingJoin = pending;
      const { signal } = pending.abort;
      const detachSignal = linkSignal(options.signal, () => {
        if (pendingJoin === pending) cancelPendingJoin(true); // the stream's signal aborted = stop()
      });
      const headers = joinHeaders(options.headers, init?.headers);
      const fetchImpl = options.fetch ?? globalThis.fetch;
      let slot: (() => void) | undefined;
      /** Hands the slot to a run, which releases it when it ends. */
      const takeSlot = () => {
        const held = slot;
        slot = undefined;
        return held;
      };
      try {
        // A join holds a slot of the pool like a start(): it waits its turn, in call order, before it connects.
        if (options.pool) {
          slot = await options.pool
            .acquire(signal, (position) => {
              pending.shown = true;
              store.set({ ...IDLE_SNAPSHOT, status: 'queued', queuePosition: position });
            })
            .catch(() => undefined);
          if (pendingJoin !== pending) return store.getSnapshot(); // stopped, or superseded by a start/join
          if (pending.shown) store.set({ ...IDLE_SNAPSHOT, status: 'connecting' });
        }
        // A pool that failed: a plain GET run, which asks the pool again and reports its error.
        if (options.pool && !slot) return await startRun({ url, method: 'GET', body: undefined, headers });
        const opening = await openJoin(String(url), headers, fetchImpl, signal);
        if (pendingJoin !== pending) return store.getSnapshot(); // stopped, or superseded by a start/join
        pendingJoin = null;
        if (opening.kind === 'stopped') return store.getSnapshot();
        if (opening.kind === 'nothing-running') {
          store.set(IDLE_SNAPSHOT);
          return IDLE_SNAPSHOT;
        }
        const overrides = { url, method: 'GET', body: undefined, headers, fetch: opening.fetch };
        return await startRun(overrides, takeSlot()).finally(opening.release);
      } finally {
        slot?.(); // a 204, a stop while the GET was pending, or a superseded join: the slot is free at once
        detachSignal();
      }
    },
    stop() {
      cancelPendingJoin(true);
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

function linkSignal(signal: AbortSignal | undefined, onAbort: () => void): () => void {
  if (!signal) return () => undefined;
  if (signal.aborted) {
    onAbort();
    return () => undefined;
  }
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}
