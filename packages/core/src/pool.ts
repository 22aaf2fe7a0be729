import type { Pool } from './types';

export interface PoolOptions {
  /** How many holders may run at once (at least 1). */
  maxConcurrent: number;
}

interface Waiter {
  grant(release: () => void): void;
  onPosition?: (position: number) => void;
}

/**
 * A FIFO concurrency limit. Streams and chats created with the same pool share its slots; the ones that
 * do not get a slot wait in arrival order and are told their 1-based position whenever it changes.
 */
export function createPool(options: PoolOptions): Pool {
  const maxConcurrent = Math.floor(options.maxConcurrent);
  if (!Number.isFinite(maxConcurrent) || maxConcurrent < 1) {
    throw new RangeError(`createPool: maxConcurrent must be a number >= 1, got ${String(options.maxConcurrent)}`);
  }
  let active = 0;
  const queue: Waiter[] = [];

  function makeRelease(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      active--;
      grantNext();
    };
  }

  function grantNext(): void {
    let moved = false;
    while (active < maxConcurrent && queue.length > 0) {
      const next = queue.shift()!;
      active++;
      moved = true;
      next.grant(makeRelease());
    }
    if (moved) reportPositions(0);
  }

  function reportPositions(from: number): void {
    for (let i = from; i < queue.length; i++) queue[i].onPosition?.(i + 1);
  }

  return {
    maxConcurrent,
    get active() {
      return active;
    },
    get queued() {
      return queue.length;
    },
    acquire(signal, onPosition) {
      if (signal.aborted) return Promise.reject(signal.reason);
      if (active < maxConcurrent && queue.length === 0) {
        active++;
        return Promise.resolve(makeRelease());
      }
      return new Promise<() => void>((resolve, reject) => {
        const onAbort = () => {
          const index = queue.indexOf(waiter);
          if (index === -1) return;
          queue.splice(index, 1);
          reportPositions(index);
          reject(signal.reason);
        };
        const waiter: Waiter = {
          grant(release) {
            signal.removeEventListener('abort', onAbort);
            resolve(release);
          },
          onPosition,
        };
        signal.addEventListener('abort', onAbort, { once: true });
        queue.push(waiter);
        onPosition?.(queue.length);
      });
    },
  };
}
