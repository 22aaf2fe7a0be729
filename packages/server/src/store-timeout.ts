import type { RelayStore } from './types.js';

export class StoreTimeoutError extends Error {
  constructor(command: string, ms: number) {
    super(`The relay store did not answer ${command} within ${ms} ms`);
    this.name = 'StoreTimeoutError';
  }
}

function bounded<T>(command: string, ms: number, work: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    // A second turn of the loop: after an event-loop stall, timers run before the I/O that arrived meanwhile, and an
    // answer that is already there must win over the timeout.
    timer = setTimeout(() => {
      timer = setTimeout(() => reject(new StoreTimeoutError(command, ms)), 0);
    }, ms);
  });
  const running = work();
  // A command that answers after its timeout must not become an unhandled rejection.
  running.catch(() => undefined);
  return Promise.race([running, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Every store command bounded by `ms`: a hung store (a SIGSTOPped Redis) turns into a prompt error the relay can act
 * on (serve without resume, or 503) instead of a request that hangs. `wait` resolves false when it overruns.
 */
export function withStoreTimeouts(store: RelayStore, ms: number): RelayStore {
  return {
    create: (runId, ttlMs, meta) => bounded('create', ms, () => store.create(runId, ttlMs, meta)),
    current: (key) => bounded('current', ms, () => store.current(key)),
    append: (runId, events, ttlMs) => bounded('append', ms, () => store.append(runId, events, ttlMs)),
    read: (runId, afterSeq, limit) => bounded('read', ms, () => store.read(runId, afterSeq, limit)),
    wait: (runId, afterSeq, timeoutMs, signal) => bounded('wait', timeoutMs + ms,
      () => store.wait(runId, afterSeq, timeoutMs, signal)).catch(() => false),
    end: (runId, ttlMs) => bounded('end', ms, () => store.end(runId, ttlMs)),
    exists: (runId) => bounded('exists', ms, () => store.exists(runId)),
    expire: (runId, ttlMs) => bounded('expire', ms, () => store.expire(runId, ttlMs)),
    renewLease: (runId, leaseMs) => bounded('renewLease', ms, () => store.renewLease(runId, leaseMs)),
    cancel: (runId) => bounded('cancel', ms, () => store.cancel(runId)),
    close: () => bounded('close', ms, () => store.close()).catch(() => undefined),
  };
}
