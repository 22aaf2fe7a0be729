import { afterEach, describe, expect, it, vi } from 'vitest';
import { SnapshotStore } from '../../src/store/snapshot-store';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('SnapshotStore', () => {
  it('without requestAnimationFrame: notifies at most every 16 ms, with the latest value, built once', async () => {
    vi.useFakeTimers();
    vi.stubGlobal('requestAnimationFrame', undefined);
    const store = new SnapshotStore({ n: 0 });
    const seen: number[] = [];
    store.subscribe(() => seen.push(store.getSnapshot().n));
    let builds = 0;
    for (let n = 1; n <= 100; n++) {
      store.invalidate(() => (builds++, { n }));
      await vi.advanceTimersByTimeAsync(1);
    }
    await vi.advanceTimersByTimeAsync(20);
    expect(seen.at(-1)).toBe(100);
    expect(seen.length).toBeLessThanOrEqual(Math.ceil(100 / 16) + 1);
    expect(builds).toBe(seen.length);
  });

  it('with a requestAnimationFrame that runs at once (happy-dom), still never more often than every 16 ms', async () => {
    vi.useFakeTimers();
    vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => (cb(0), 1));
    vi.stubGlobal('cancelAnimationFrame', () => undefined);
    const store = new SnapshotStore({ n: 0 });
    const times: number[] = [];
    store.subscribe(() => times.push(Date.now()));
    for (let n = 1; n <= 200; n++) {
      store.invalidate(() => ({ n }));
      await vi.advanceTimersByTimeAsync(1);
    }
    await vi.advanceTimersByTimeAsync(50);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(16);
    expect(store.getSnapshot().n).toBe(200);
  });

  it('getSnapshot is the notified value, not a newer unnotified one', () => {
    vi.useFakeTimers();
    const store = new SnapshotStore({ n: 0 });
    store.invalidate(() => ({ n: 1 }));
    expect(store.getSnapshot().n).toBe(0);
  });

  it('a numeric throttle sets the interval; 0 notifies synchronously; set() flushes at once', async () => {
    vi.useFakeTimers();
    const store = new SnapshotStore({ n: 0 }, 100);
    const listener = vi.fn();
    store.subscribe(listener);
    store.invalidate(() => ({ n: 1 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(listener).toHaveBeenCalledTimes(1);
    store.invalidate(() => ({ n: 2 }));
    await vi.advanceTimersByTimeAsync(99);
    expect(listener).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(listener).toHaveBeenCalledTimes(2);
    store.invalidate(() => ({ n: 3 }));
    store.set({ n: 4 });
    expect(listener).toHaveBeenCalledTimes(3);
    expect(vi.getTimerCount()).toBe(0);
    store.throttle = 0;
    store.invalidate(() => ({ n: 5 }));
    expect(store.getSnapshot().n).toBe(5);
  });

  it('a hidden tab (requestAnimationFrame never fires) still gets updates from the fallback timer', async () => {
    vi.useFakeTimers();
    vi.stubGlobal('requestAnimationFrame', () => 7);
    vi.stubGlobal('cancelAnimationFrame', vi.fn());
    const store = new SnapshotStore({ n: 0 });
    store.invalidate(() => ({ n: 1 }));
    await vi.advanceTimersByTimeAsync(120);
    expect(store.getSnapshot().n).toBe(1);
  });

  it('unsubscribe stops notifications; cancel drops the pending change and its timers', async () => {
    vi.useFakeTimers();
    const store = new SnapshotStore({ n: 0 });
    const listener = vi.fn();
    const unsubscribe = store.subscribe(listener);
    unsubscribe();
    store.invalidate(() => ({ n: 1 }));
    store.cancel();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(listener).not.toHaveBeenCalled();
    expect(store.getSnapshot().n).toBe(0);
  });
});
