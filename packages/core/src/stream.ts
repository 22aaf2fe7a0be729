import { SnapshotStore } from './store/snapshot-store';
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

/** The idle snapshot every controller starts from (also the server snapshot for SSR). */
export function idleStreamSnapshot(): StreamSnapshot {
  return IDLE_SNAPSHOT;
}

/**
 * A controller for one stream at a time: start() runs it (a new start() supersedes the running one), stop() aborts and
 * keeps the partial output, reset() returns to idle. Nothing runs and nothing touches the DOM until start().
 */
export function createStream(options: StreamOptions): StreamController {
  const store = new SnapshotStore<StreamSnapshot>(IDLE_SNAPSHOT, options.throttle ?? 'frame');
  let current: StreamRun | null = null;

  return {
    start(overrides) {
      current?.detach();
      const runOptions = overrides ? { ...options, ...overrides } : options;
      store.throttle = runOptions.throttle ?? 'frame';
      const run = new StreamRun(runOptions, store);
      current = run;
      const detachSignal = linkSignal(runOptions.signal, () => run.abort());
      return run.run().finally(() => {
        detachSignal();
        if (current === run) current = null;
      });
    },
    stop() {
      current?.abort();
    },
    reset() {
      current?.detach();
      current = null;
      store.cancel();
      store.set(IDLE_SNAPSHOT);
    },
    getSnapshot: store.getSnapshot,
    subscribe: store.subscribe,
  };
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
