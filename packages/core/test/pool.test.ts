import { describe, expect, it } from 'vitest';
import { createPool } from '../src/pool';

/** Resolves once every already-queued microtask (and the ones they queue) has run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createPool', () => {
  it('never lets more than maxConcurrent holders run, and grants in FIFO order', async () => {
    const pool = createPool({ maxConcurrent: 2 });
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const finishers: Array<() => void> = [];

    const jobs = [0, 1, 2, 3, 4].map(async (n) => {
      const release = await pool.acquire(new AbortController().signal);
      running++;
      peak = Math.max(peak, running);
      started.push(n);
      await new Promise<void>((resolve) => finishers.push(resolve));
      running--;
      release();
    });

    await flush();
    expect(started).toEqual([0, 1]);
    expect(pool.active).toBe(2);
    expect(pool.queued).toBe(3);
    // Finish holders one at a time, oldest first; each frees exactly one slot for the next in line.
    while (finishers.length > 0) {
      finishers.shift()!();
      await flush();
    }
    await Promise.all(jobs);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect(pool.active).toBe(0);
    expect(pool.queued).toBe(0);
  });

  it('reports queue positions as the queue moves', async () => {
    const pool = createPool({ maxConcurrent: 1 });
    const first = await pool.acquire(new AbortController().signal);
    const positionsB: number[] = [];
    const positionsC: number[] = [];
    const b = pool.acquire(new AbortController().signal, (p) => positionsB.push(p));
    const c = pool.acquire(new AbortController().signal, (p) => positionsC.push(p));
    expect(positionsB).toEqual([1]);
    expect(positionsC).toEqual([2]);
    first();
    const releaseB = await b;
    expect(positionsC).toEqual([2, 1]);
    releaseB();
    (await c)();
    expect(pool.active).toBe(0);
  });

  it('an aborted queued acquire leaves the queue and rejects with the signal reason', async () => {
    const pool = createPool({ maxConcurrent: 1 });
    const holder = await pool.acquire(new AbortController().signal);
    const controller = new AbortController();
    const positionsC: number[] = [];
    const b = pool.acquire(controller.signal);
    const c = pool.acquire(new AbortController().signal, (p) => positionsC.push(p));
    const reason = new Error('user left');
    controller.abort(reason);
    await expect(b).rejects.toBe(reason);
    expect(pool.queued).toBe(1);
    expect(positionsC).toEqual([2, 1]);
    holder();
    const releaseC = await c;
    expect(pool.active).toBe(1);
    releaseC();
    expect(pool.active).toBe(0);
  });

  it('rejects at once for an already-aborted signal and takes no slot', async () => {
    const pool = createPool({ maxConcurrent: 1 });
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await expect(pool.acquire(controller.signal)).rejects.toThrow('gone');
    expect(pool.active).toBe(0);
  });

  it('release is idempotent', async () => {
    const pool = createPool({ maxConcurrent: 1 });
    const release = await pool.acquire(new AbortController().signal);
    const waiting = pool.acquire(new AbortController().signal);
    release();
    release();
    const second = await waiting;
    expect(pool.active).toBe(1);
    const third = pool.acquire(new AbortController().signal);
    release(); // a stale double release must not free the second holder's slot
    expect(pool.active).toBe(1);
    expect(pool.queued).toBe(1);
    second();
    (await third)();
    expect(pool.active).toBe(0);
  });

  it('rejects a maxConcurrent below 1', () => {
    expect(() => createPool({ maxConcurrent: 0 })).toThrow(RangeError);
  });
});
