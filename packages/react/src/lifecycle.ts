// Binding plumbing shared by useStream and useChat: no stream logic lives here, only React lifecycle glue.

interface PendingCall {
  run: () => Promise<unknown>;
  waiters: Array<{ resolve: (value: unknown) => void; reject: (error: unknown) => void }>;
}

/**
 * Ties a controller to a component's mounted state so that React StrictMode's synchronous
 * mount -> unmount -> mount neither starts a request twice nor stops the one that survives:
 * - calls that start requests run one microtask later, after React finished the (double) effect pass;
 *   a call with the same key still pending in this tick is superseded (StrictMode re-running an effect);
 * - unmounting releases the controller one microtask later unless the component was mounted again
 *   (StrictMode, Fast Refresh re-running effects): a stream already running survives a simulated unmount.
 */
export class MountGate {
  private mounted = false;
  private pending = new Map<string, PendingCall>();

  constructor(private readonly release: () => void) {}

  mount(): void {
    this.mounted = true;
  }

  unmount(): void {
    this.mounted = false;
    queueMicrotask(() => {
      if (this.mounted) return;
      this.release();
    });
  }

  defer<T>(key: string, run: () => Promise<T>, whenDropped: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter = { resolve: resolve as (value: unknown) => void, reject };
      const existing = this.pending.get(key);
      if (existing) {
        existing.run = run;
        existing.waiters.push(waiter);
        return;
      }
      const call: PendingCall = { run, waiters: [waiter] };
      this.pending.set(key, call);
      queueMicrotask(() => {
        if (this.pending.get(key) !== call) return; // cancelled; its waiters were answered
        this.pending.delete(key);
        let result: Promise<unknown>;
        try {
          result = this.mounted ? call.run() : Promise.resolve(whenDropped());
        } catch (error) {
          result = Promise.reject(error);
        }
        settle(call, result);
      });
    });
  }

  /** Drops calls not yet run (stop() before a deferred start ran); their promises resolve with `value()`. */
  cancel(value: () => unknown): void {
    for (const call of this.pending.values()) settle(call, Promise.resolve(value()));
    this.pending.clear();
  }
}

function settle(call: PendingCall, result: Promise<unknown>): void {
  result.then(
    (value) => call.waiters.forEach((w) => w.resolve(value)),
    (error: unknown) => call.waiters.forEach((w) => w.reject(error)),
  );
}

/** Object.is, or the same own keys with Object.is values (plain objects and arrays). */
export function shallowEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  if (keysA.length !== Object.keys(b).length) return false;
  return keysA.every(
    (key) => Object.prototype.hasOwnProperty.call(b, key) && Object.is((a as never)[key], (b as never)[key]),
  );
}
