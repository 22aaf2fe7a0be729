import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPool } from '../src/pool';
import { createStream } from '../src/stream';
import { bytes, chunkRandomly, openAIChatStream, scriptedFetch, seededRandom, streamResponse } from '@tokenstream/test-utils';

afterEach(() => vi.useRealTimers());

const words = Array.from({ length: 40 }, (_, i) => `w${i}${i % 7 === 0 ? 'é' : ''} `);
const fullText = words.join('');

/** Splits a stream into its events (each keeps its trailing blank line). */
function eventsOf(stream: string): string[] {
  return stream.split(/(?<=\n\n)/);
}

type ServerKind = 'resumes' | 'replays';

/** A server whose first `drops` responses break at a random byte; it resumes after Last-Event-ID or replays all. */
function flakyServer(seed: number, options: { ids: boolean; kind: ServerKind; drops: number }) {
  const random = seededRandom(seed);
  const events = eventsOf(openAIChatStream(words, { ids: options.ids }));
  return scriptedFetch((request, attempt) => {
    const lastId = request.headers['last-event-id'];
    const from = options.kind === 'resumes' && lastId ? Number(lastId) : 0;
    const body = bytes(events.slice(from).join(''));
    const drop = attempt <= options.drops;
    const cut = drop ? Math.floor(random() * body.length) : body.length;
    return streamResponse({ chunks: chunkRandomly(body.subarray(0, cut), seed + attempt, 40), end: drop ? 'error' : 'close' }, { signal: request.signal });
  });
}

describe('resume after drops', () => {
  for (const kind of ['resumes', 'replays'] as const) {
    it(`with ids, a server that ${kind}: exact text for 60 seeded random drop points`, async () => {
      for (let seed = 1; seed <= 60; seed++) {
        const { fetch, requests } = flakyServer(seed, { ids: true, kind, drops: 1 + (seed % 3) });
        const snapshot = await createStream({ url: 'http://t', fetch, retry: { baseDelayMs: 0, maxAttempts: 5 } }).start();
        expect(snapshot.text, `seed ${seed}`).toBe(fullText);
        expect(snapshot.status).toBe('done');
        expect(snapshot.metrics.reconnects).toBe(requests.length - 1);
        const resumed = requests.slice(1).filter((r) => r.headers['last-event-id']);
        // Every reconnect after an event was applied names the last applied id.
        for (const r of resumed) expect(Number(r.headers['last-event-id'])).toBeGreaterThan(0);
      }
    });
  }

  it('without ids, a drop after output began ends in a network error with the partial output, never spliced', async () => {
    for (let seed = 1; seed <= 30; seed++) {
      const { fetch, requests } = flakyServer(seed, { ids: false, kind: 'replays', drops: 1 });
      const snapshot = await createStream({ url: 'http://t', fetch, retry: { baseDelayMs: 0 } }).start();
      if (snapshot.status === 'done') {
        // The drop came before any text: a clean retry.
        expect(snapshot.text).toBe(fullText);
        expect(requests).toHaveLength(2);
      } else {
        expect(snapshot.error!.kind).toBe('network');
        expect(fullText.startsWith(snapshot.text)).toBe(true);
        expect(snapshot.text.length).toBeGreaterThan(0);
        expect(requests).toHaveLength(1);
      }
    }
  });

  it('a body that ends early without the terminal signal is a drop', async () => {
    const events = eventsOf(openAIChatStream(['a', 'b'], { ids: true }));
    const { fetch, requests } = scriptedFetch((r, n) =>
      streamResponse({ chunks: [bytes(n === 1 ? events.slice(0, 2).join('') : events.slice(Number(r.headers['last-event-id'])).join(''))] }, { signal: r.signal }),
    );
    const snapshot = await createStream({ url: 'http://t', fetch, retry: { baseDelayMs: 0 } }).start();
    expect(snapshot.text).toBe('ab');
    expect(requests[1]!.headers['last-event-id']).toBe('2');
  });

  it('non-ASCII ids go out as their UTF-8 bytes', async () => {
    const first = 'id: é1\ndata: {"choices":[{"index":0,"delta":{"content":"a"}}]}\n\n';
    const { fetch, requests } = scriptedFetch((r, n) =>
      streamResponse({ chunks: [bytes(n === 1 ? first : 'id: é2\ndata: {"choices":[{"index":0,"delta":{"content":"b"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n')], end: n === 1 ? 'error' : 'close' }, { signal: r.signal }),
    );
    const snapshot = await createStream({ url: 'http://t', fetch, retry: { baseDelayMs: 0 } }).start();
    expect(snapshot.text).toBe('ab');
    const sent = requests[1]!.headers['last-event-id']!;
    expect(new TextDecoder().decode(Uint8Array.from(sent, (c) => c.charCodeAt(0)))).toBe('é1');
  });
});

describe('idle timeout', () => {
  it('a stall is a drop: reconnects with Last-Event-ID and finishes exactly', async () => {
    const events = eventsOf(openAIChatStream(words, { ids: true }));
    const { fetch, requests } = scriptedFetch((r, n) => {
      const from = Number(r.headers['last-event-id'] ?? 0);
      return n === 1
        ? streamResponse({ chunks: [bytes(events.slice(0, 10).join(''))], end: 'hang' }, { signal: r.signal })
        : streamResponse({ chunks: [bytes(events.slice(from).join(''))] }, { signal: r.signal });
    });
    const snapshot = await createStream({ url: 'http://t', fetch, idleTimeoutMs: 40, retry: { baseDelayMs: 0 } }).start();
    expect(snapshot).toMatchObject({ status: 'done', text: fullText, metrics: { reconnects: 1 } });
    expect(requests[0]!.signal!.aborted).toBe(true);
    expect(requests[1]!.headers['last-event-id']).toBe('10');
  });

  it('heartbeat comments count as activity', async () => {
    vi.useFakeTimers();
    const body = openAIChatStream(['a', 'b']);
    const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 30));
    const chunks = [bytes(': ping\n\n'), bytes(': ping\n\n'), bytes(': ping\n\n'), bytes(body)];
    const { fetch, requests } = scriptedFetch((r) => streamResponse({ chunks, before: tick }, { signal: r.signal }));
    const done = createStream({ url: 'http://t', fetch, idleTimeoutMs: 50 }).start();
    await vi.advanceTimersByTimeAsync(200);
    expect((await done).text).toBe('ab');
    expect(requests).toHaveLength(1);
  });

  it('when every attempt stalls the error kind is timeout', async () => {
    const { fetch } = scriptedFetch((r) => streamResponse({ chunks: [], end: 'hang' }, { signal: r.signal }));
    const snapshot = await createStream({ url: 'http://t', fetch, idleTimeoutMs: 10, retry: { maxAttempts: 2, baseDelayMs: 0 } }).start();
    expect(snapshot.error).toMatchObject({ kind: 'timeout', attempts: 2 });
  });
});

describe('abort in every status', () => {
  const gate = () => {
    let open!: () => void;
    const promise = new Promise<void>((resolve) => (open = resolve));
    return { promise, open };
  };

  it('streaming: stop() keeps the partial text, aborts the fetch, leaves no timer', async () => {
    vi.useFakeTimers();
    const events = eventsOf(openAIChatStream(words));
    const { fetch, requests } = scriptedFetch((r) => streamResponse({ chunks: [bytes(events.slice(0, 5).join(''))], end: 'hang' }, { signal: r.signal }));
    const stream = createStream({ url: 'http://t', fetch });
    const done = stream.start();
    await vi.advanceTimersByTimeAsync(20);
    expect(stream.getSnapshot().status).toBe('streaming');
    stream.stop();
    expect(stream.getSnapshot().status).toBe('aborted');
    const snapshot = await done;
    expect(snapshot).toMatchObject({ status: 'aborted', text: words.slice(0, 4).join('') });
    expect(snapshot.error!.kind).toBe('aborted');
    expect(requests[0]!.signal!.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('connecting: stop() while the response has not arrived', async () => {
    vi.useFakeTimers();
    const { fetch, requests } = scriptedFetch((r) => new Promise<Response>((_, reject) => r.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))));
    const stream = createStream({ url: 'http://t', fetch });
    const done = stream.start();
    await vi.advanceTimersByTimeAsync(20); // one frame
    expect(stream.getSnapshot().status).toBe('connecting');
    stream.stop();
    expect((await done).status).toBe('aborted');
    expect(requests[0]!.signal!.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reconnecting: stop() during the backoff clears the timer and sends nothing more', async () => {
    vi.useFakeTimers();
    const { fetch, requests } = scriptedFetch(() => new Response('', { status: 503, headers: { 'retry-after': '30' } }));
    const stream = createStream({ url: 'http://t', fetch });
    const done = stream.start();
    await vi.advanceTimersByTimeAsync(20); // one frame
    expect(stream.getSnapshot().status).toBe('reconnecting');
    stream.stop();
    expect((await done).status).toBe('aborted');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(requests).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('queued: aborting a request waiting for a pool slot removes it from the queue', async () => {
    const pool = createPool({ maxConcurrent: 1 });
    const hold = gate();
    const { fetch, requests } = scriptedFetch((r) => streamResponse({ chunks: [bytes(openAIChatStream(['a']))], before: () => hold.promise }, { signal: r.signal }));
    const first = createStream({ url: 'http://t/1', fetch, pool, throttle: 0 });
    const second = createStream({ url: 'http://t/2', fetch, pool, throttle: 0 });
    const firstDone = first.start();
    const secondDone = second.start();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(second.getSnapshot()).toMatchObject({ status: 'queued', queuePosition: 1 });
    second.stop();
    expect((await secondDone).status).toBe('aborted');
    hold.open();
    expect((await firstDone).text).toBe('a');
    expect(requests.map((r) => r.url)).toEqual(['http://t/1']);
    expect(pool.active).toBe(0);
    expect(pool.queued).toBe(0);
  });

  it('stop() frees the pool slot at once, so the next queued request starts', async () => {
    const pool = createPool({ maxConcurrent: 1 });
    const { fetch, requests } = scriptedFetch((r) => streamResponse({ chunks: [bytes(eventsOf(openAIChatStream(words))[1]!)], end: 'hang' }, { signal: r.signal }));
    const first = createStream({ url: 'http://t/1', fetch, pool });
    const firstDone = first.start();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(pool.active).toBe(1);
    first.stop();
    expect(pool.active).toBe(0);
    await firstDone;
    const second = createStream({ url: 'http://t/2', fetch, pool, throttle: 0 });
    const secondDone = second.start();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(requests.map((r) => r.url)).toEqual(['http://t/1', 'http://t/2']);
    second.stop();
    await secondDone;
  });

  it('an already-aborted signal starts nothing; a signal aborted mid-stream stops it', async () => {
    const { fetch, requests } = scriptedFetch((r) => streamResponse({ chunks: [bytes(eventsOf(openAIChatStream(words))[1]!)], end: 'hang' }, { signal: r.signal }));
    const aborted = await createStream({ url: 'http://t', fetch, signal: AbortSignal.abort() }).start();
    expect(aborted.status).toBe('aborted');
    expect(requests).toHaveLength(0);
    const controller = new AbortController();
    const stream = createStream({ url: 'http://t', fetch, signal: controller.signal });
    const done = stream.start();
    await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    expect(await done).toMatchObject({ status: 'aborted', text: words[0] });
  });

  it('reset() returns to idle; a new start() supersedes the running one', async () => {
    const { fetch } = scriptedFetch((r) => streamResponse({ chunks: [bytes(eventsOf(openAIChatStream(words))[1]!)], end: 'hang' }, { signal: r.signal }));
    const stream = createStream({ url: 'http://t', fetch, throttle: 0 });
    const first = stream.start();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = stream.start({ url: 'http://t/2' });
    expect((await first).status).toBe('aborted');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(stream.getSnapshot().status).toBe('streaming');
    stream.reset();
    expect(stream.getSnapshot().status).toBe('idle');
    expect((await second).status).toBe('aborted');
    expect(stream.getSnapshot().status).toBe('idle');
  });
});
