import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createChat, createStream, type StreamSnapshot } from '../../src';
import { StreamSnapshotStore } from '../../src/store/stream-store';
import { bytes, openAIChatStream, scriptedFetch, streamResponse } from '@tokenstream/test-utils';

// Pacing is a chunk loaded at the first start() with `smooth` (a real import, which fake timers cannot advance):
// these tests start with it loaded, as a page that already paced a stream; the last describe tests the load.
beforeAll(async () => {
  const store = new StreamSnapshotStore({} as StreamSnapshot);
  store.configure(true);
  await store.ready;
});

const BURST = 'x'.repeat(199) + ' ';

/** A plain-text body: `count` bursts of 200 characters, one every 100 ms; then it ends as told. */
function burstyFetch(count: number, end: 'close' | 'error' | 'hang' = 'close') {
  return scriptedFetch((request) =>
    streamResponse(
      {
        chunks: Array.from({ length: count }, () => bytes(BURST)),
        before: (index) => (index === 0 ? undefined : new Promise((resolve) => setTimeout(resolve, 100))),
        end,
      },
      { signal: request.signal, headers: { 'content-type': 'text/plain' } },
    ),
  );
}

/** Every notified text length with the fake time it was seen at. */
function record(controller: { subscribe(l: () => void): () => void; getSnapshot(): StreamSnapshot }) {
  const seen: Array<{ at: number; length: number; status: string }> = [];
  controller.subscribe(() => {
    const snapshot = controller.getSnapshot();
    seen.push({ at: Date.now(), length: snapshot.text.length, status: snapshot.status });
  });
  return seen;
}

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('createStream({ smooth })', () => {
  it('releases bursts of 200 characters evenly, within the lag bound, and the full text at once on done', async () => {
    vi.useFakeTimers();
    const start = Date.now();
    const { fetch } = burstyFetch(20);
    const stream = createStream({ url: 'http://t', fetch, format: 'text', smooth: true });
    const seen = record(stream);
    const done = stream.start();
    await vi.advanceTimersByTimeAsync(5000);
    const final = await done;
    expect(final.text).toBe(BURST.repeat(20));
    const streaming = seen.filter((s) => s.status === 'streaming');
    // Arrival of burst k at ~k*100 ms: shown within 300 ms (+ one tick and one notification interval of slack).
    for (const s of streaming) {
      const arrivedBefore = Math.max(0, Math.floor((s.at - start - 300 - 40) / 100) + 1) * 200;
      expect(s.length).toBeGreaterThanOrEqual(Math.min(arrivedBefore, 20 * 200));
    }
    // Even: no notification shows most of a burst at once.
    const steps = streaming.slice(1).map((s, i) => s.length - streaming[i]!.length);
    expect(Math.max(...steps)).toBeLessThan(100);
    expect(steps.length).toBeGreaterThan(40);
    expect(seen.at(-1)).toMatchObject({ status: 'done', length: 4000 });
    // Metrics measure the network, not the pace.
    expect(final.metrics.ttftMs).not.toBeNull();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('shows everything that arrived at once on stop()', async () => {
    vi.useFakeTimers();
    const { fetch } = burstyFetch(10, 'hang');
    const stream = createStream({ url: 'http://t', fetch, format: 'text', smooth: { maxLagMs: 1000 } });
    const done = stream.start();
    await vi.advanceTimersByTimeAsync(450);
    const paced = stream.getSnapshot().text.length;
    expect(paced).toBeGreaterThan(0);
    expect(paced).toBeLessThan(1000); // 5 bursts arrived, fewer shown
    stream.stop();
    expect(stream.getSnapshot()).toMatchObject({ status: 'aborted', text: BURST.repeat(5) });
    await vi.advanceTimersByTimeAsync(1000); // the scripted body's pending pull unwinds
    await done;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('shows everything that arrived at once on error', async () => {
    vi.useFakeTimers();
    const { fetch } = burstyFetch(3, 'error');
    const stream = createStream({ url: 'http://t', fetch, format: 'text', retry: false, smooth: { maxLagMs: 2000 } });
    const done = stream.start();
    await vi.advanceTimersByTimeAsync(1000);
    const final = await done;
    expect(final.status).toBe('error');
    expect(stream.getSnapshot().text).toBe(BURST.repeat(3));
  });

  it('is off when the user prefers reduced motion', async () => {
    vi.useFakeTimers();
    vi.stubGlobal('matchMedia', (query: string) => ({ matches: query.includes('reduce') }));
    const { fetch } = burstyFetch(3, 'hang');
    const stream = createStream({ url: 'http://t', fetch, format: 'text', smooth: true });
    const done = stream.start();
    await vi.advanceTimersByTimeAsync(250);
    expect(stream.getSnapshot().text).toBe(BURST.repeat(3));
    stream.stop();
    await done;
  });

  it('paces a chat answer and ends with the full message', async () => {
    vi.useFakeTimers();
    const words = Array.from({ length: 8 }, (_, i) => `${String(i).repeat(99)} `);
    const { fetch } = scriptedFetch((request) =>
      streamResponse(
        {
          chunks: openAIChatStream(words).split('\n\n').filter(Boolean).map((event) => bytes(`${event}\n\n`)),
          before: (index) => (index < 2 ? undefined : new Promise((resolve) => setTimeout(resolve, 100))),
        },
        { signal: request.signal },
      ),
    );
    const chat = createChat({ url: 'http://t', fetch, smooth: true });
    const lengths: number[] = [];
    chat.subscribe(() => {
      const last = chat.getSnapshot().messages.at(-1);
      if (last?.role === 'assistant') lengths.push(last.text.length);
    });
    const sent = chat.send('hi');
    await vi.advanceTimersByTimeAsync(3000);
    const final = await sent;
    expect(final.messages.at(-1)!.text).toBe(words.join(''));
    const steps = lengths.slice(1).map((length, i) => length - lengths[i]!);
    expect(Math.max(...steps)).toBeLessThan(100); // each 100-character delta is spread over several frames
  });
});

describe('createStream({ smooth }): the pacing chunk', () => {
  it('the first start() with smooth loads pacing beside the request (not before it); paced from the first snapshot', async () => {
    vi.resetModules();
    const { createStream: freshCreateStream } = await import('../../src/stream');
    // A burst of 3000 characters, then the end 300 ms later (real time: the chunk loads by real I/O).
    const { fetch } = scriptedFetch((request) =>
      streamResponse(
        { chunks: [bytes('x'.repeat(3000)), bytes('y')], before: (index) => (index === 1 ? new Promise((resolve) => setTimeout(resolve, 300)) : undefined) },
        { signal: request.signal, headers: { 'content-type': 'text/plain' } },
      ),
    );
    expect(await freshCreateStream({ url: 'http://t', fetch, format: 'text', throttle: 0 }).start()).toMatchObject({ status: 'done' });
    const stream = freshCreateStream({ url: 'http://t', fetch, format: 'text', smooth: { maxLagMs: 200 }, throttle: 0 });
    const seen = record(stream);
    const final = await stream.start();
    expect(final).toMatchObject({ status: 'done', text: 'x'.repeat(3000) + 'y' });
    // The burst is paced: the first streaming snapshots show part of it.
    const streaming = seen.filter((s) => s.status === 'streaming' && s.length > 0);
    expect(streaming.length).toBeGreaterThan(1);
    expect(streaming[0]!.length).toBeLessThan(3000);
  });

  it('the request goes out while the pacing chunk loads; what arrives meanwhile is paced once it is there', async () => {
    vi.resetModules();
    let openChunk!: () => void;
    const chunkGate = new Promise<void>((resolve) => (openChunk = resolve));
    vi.doMock('../../src/smooth/paced-store', async (importOriginal) => {
      await chunkGate;
      return importOriginal();
    });
    try {
      const { createStream: freshCreateStream } = await import('../../src/stream');
      const { fetch, requests } = scriptedFetch((request) =>
        streamResponse(
          { chunks: [bytes('x'.repeat(3000)), bytes('y')], before: (index) => (index === 1 ? new Promise((resolve) => setTimeout(resolve, 300)) : undefined) },
          { signal: request.signal, headers: { 'content-type': 'text/plain' } },
        ),
      );
      const stream = freshCreateStream({ url: 'http://t', fetch, format: 'text', smooth: { maxLagMs: 200 }, throttle: 0 });
      const seen = record(stream);
      const done = stream.start();
      await vi.waitFor(() => expect(requests).toHaveLength(1)); // sent while the chunk is still loading
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen.filter((s) => s.length > 0)).toEqual([]); // the burst waits for pacing, it is not shown whole
      openChunk();
      expect(await done).toMatchObject({ status: 'done', text: 'x'.repeat(3000) + 'y' });
      const streaming = seen.filter((s) => s.status === 'streaming' && s.length > 0);
      expect(streaming.length).toBeGreaterThan(1);
      expect(streaming[0]!.length).toBeLessThan(3000);
    } finally {
      vi.doUnmock('../../src/smooth/paced-store');
      vi.resetModules();
    }
  });

  it('a pacing chunk that fails to load: the stream runs unpaced', async () => {
    vi.resetModules();
    vi.doMock('../../src/smooth/paced-store', () => {
      throw new Error('Failed to fetch dynamically imported module');
    });
    try {
      const { createStream: freshCreateStream } = await import('../../src/stream');
      const { fetch } = scriptedFetch((request) =>
        streamResponse({ chunks: [bytes('x'.repeat(3000))] }, { signal: request.signal, headers: { 'content-type': 'text/plain' } }),
      );
      const stream = freshCreateStream({ url: 'http://t', fetch, format: 'text', smooth: true, throttle: 0 });
      const seen = record(stream);
      expect(await stream.start()).toMatchObject({ status: 'done', text: 'x'.repeat(3000) });
      expect(seen.find((s) => s.status === 'streaming' && s.length > 0)?.length).toBe(3000);
    } finally {
      vi.doUnmock('../../src/smooth/paced-store');
      vi.resetModules();
    }
  });
});
