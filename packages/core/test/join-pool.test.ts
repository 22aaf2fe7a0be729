import { describe, expect, it } from 'vitest';
import { bytes, openAIChatStream, scriptedFetch, streamResponse, waitUntil as waitFor } from '@tokenstream/test-utils';
import { createChat } from '../src/chat/chat';
import { createPool } from '../src/pool';
import { createStream } from '../src/stream';
import type { Pool, StreamController, StreamStatus } from '../src/types';

// A join takes a slot of the stream's pool before its GET, like start(): it waits its turn ('queued', queuePosition),
// holds the slot while it streams, and frees it (or its place in the queue) when it ends, is stopped or finds nothing.

/**
 * A server whose streams each wait for `finish(url)` before their last chunk; `/empty` answers 204.
 * `open` counts the requests whose response is still running.
 */
function gatedServer() {
  // One gate per url, made by whichever comes first: the request or the test's finish() (which may run before the
  // request was sent: a run loads its adapter after taking its slot).
  const gates = new Map<string, { opened: Promise<void>; open: () => void }>();
  const gateOf = (url: string) => {
    let gate = gates.get(url);
    if (!gate) {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      gate = { opened, open };
      gates.set(url, gate);
    }
    return gate;
  };
  let open = 0;
  let peakOpen = 0;
  const { fetch, requests } = scriptedFetch((request) => {
    if (request.url.endsWith('/empty')) return new Response(null, { status: 204 });
    open++;
    peakOpen = Math.max(peakOpen, open);
    const gate = gateOf(request.url).opened;
    const [head, tail] = splitLast(openAIChatStream(['Hel', 'lo']));
    let closed = false;
    const close = () => {
      if (!closed) open--;
      closed = true;
    };
    // Like a real body, an aborted request stops waiting (the scripted body then errors with AbortError).
    const aborted = new Promise<void>((resolve) => request.signal?.addEventListener('abort', () => resolve(), { once: true }));
    void aborted.then(close);
    return streamResponse(
      {
        chunks: [bytes(head), bytes(tail)],
        before: async (index) => {
          if (index === 0) return;
          await Promise.race([gate, aborted]);
          close();
        },
      },
      { signal: request.signal },
    );
  });
  return {
    fetch,
    requests,
    finish: (url: string) => gateOf(url).open(),
    get open() {
      return open;
    },
    get peakOpen() {
      return peakOpen;
    },
  };
}

/** Splits an SSE stream before its last event. */
function splitLast(stream: string): [string, string] {
  const events = stream.split('\n\n').filter(Boolean).map((event) => `${event}\n\n`);
  return [events.slice(0, -1).join(''), events.at(-1)!];
}

/** Fails within the test's own timeout, saying what it waited for. */
const waitUntil = (condition: () => boolean, what: string) => waitFor(condition, what, 2000);

function statusesOf(stream: StreamController): StreamStatus[] {
  const statuses: StreamStatus[] = [];
  stream.subscribe(() => {
    const status = stream.getSnapshot().status;
    if (statuses.at(-1) !== status) statuses.push(status);
  });
  return statuses;
}

const streamWith = (pool: Pool, fetch: typeof globalThis.fetch, signal?: AbortSignal) =>
  createStream({ url: 'http://test/unused', provider: 'openai', fetch, pool, throttle: 0, signal });

describe('join() in a pool', () => {
  it('three tabs joining with maxConcurrent 2: two connections at once, the third waits queued, then streams', async () => {
    const pool = createPool({ maxConcurrent: 2 });
    const server = gatedServer();
    const streams = [0, 1, 2].map(() => streamWith(pool, server.fetch));
    const third = statusesOf(streams[2]!);
    const joins = streams.map((stream, i) => stream.join(`http://test/chat-${i}/stream`));

    await waitUntil(() => server.requests.length === 2 && streams[2]!.getSnapshot().status === 'queued', 'two GETs, one queued');
    expect(streams[2]!.getSnapshot().queuePosition).toBe(1);
    expect(pool).toMatchObject({ active: 2, queued: 1 });

    server.finish('http://test/chat-0/stream');
    expect(await joins[0]).toMatchObject({ status: 'done', text: 'Hello' });
    await waitUntil(() => server.requests.length === 3, 'the queued join to open its GET');
    server.finish('http://test/chat-1/stream');
    server.finish('http://test/chat-2/stream');
    const [, second, last] = await Promise.all(joins);
    expect(second).toMatchObject({ status: 'done', text: 'Hello' });
    expect(last).toMatchObject({ status: 'done', text: 'Hello', queuePosition: null });
    expect(third).toEqual(['queued', 'connecting', 'streaming', 'done']);
    expect(server.peakOpen).toBe(2);
    expect(pool).toMatchObject({ active: 0, queued: 0 });
  });

  it('a join while start()s fill the pool waits behind them instead of skipping the queue', async () => {
    const pool = createPool({ maxConcurrent: 1 });
    const server = gatedServer();
    const starter = streamWith(pool, server.fetch);
    const started = starter.start({ url: 'http://test/start', body: { prompt: 'hi' } });
    const queuedStart = streamWith(pool, server.fetch);
    const secondStart = queuedStart.start({ url: 'http://test/start-2', body: { prompt: 'hi' } });
    await waitUntil(() => server.requests.length === 1, 'the first start to connect');

    const joiner = streamWith(pool, server.fetch);
    const joined = joiner.join('http://test/chat/stream');
    await waitUntil(() => joiner.getSnapshot().status === 'queued', 'the join to queue');
    expect(joiner.getSnapshot().queuePosition).toBe(2); // behind the start() that queued first
    expect(server.requests.map((request) => request.url)).toEqual(['http://test/start']);

    server.finish('http://test/start');
    await started;
    await waitUntil(() => joiner.getSnapshot().queuePosition === 1, 'the join to move up');
    await waitUntil(() => server.requests.length === 2, 'the queued start to connect');
    expect(server.requests[1]!.url).toBe('http://test/start-2');
    server.finish('http://test/start-2');
    await secondStart;
    await waitUntil(() => server.requests.length === 3, 'the join to connect');
    server.finish('http://test/chat/stream');
    expect(await joined).toMatchObject({ status: 'done', text: 'Hello' });
    expect(pool).toMatchObject({ active: 0, queued: 0 });
  });

  it('a join that finds nothing running (204) frees its slot at once: the next in line goes', async () => {
    const pool = createPool({ maxConcurrent: 1 });
    const server = gatedServer();
    const joiner = streamWith(pool, server.fetch);
    const statuses = statusesOf(joiner);
    expect(await joiner.join('http://test/empty')).toMatchObject({ status: 'idle' });
    expect(statuses).toEqual([]); // with a free slot, a 204 changes nothing a subscriber can see
    expect(pool).toMatchObject({ active: 0, queued: 0 });

    // Queued behind a running start(): 'queued', 'connecting', then back to idle, and the slot is free again.
    const starter = streamWith(pool, server.fetch);
    const started = starter.start({ url: 'http://test/start', body: { prompt: 'hi' } });
    const waiting = streamWith(pool, server.fetch);
    const waitingStatuses = statusesOf(waiting);
    const nothing = waiting.join('http://test/empty');
    const after = streamWith(pool, server.fetch);
    const afterDone = after.start({ url: 'http://test/after', body: { prompt: 'hi' } });
    await waitUntil(() => pool.queued === 2, 'the join and a start to queue');
    server.finish('http://test/start');
    await started;
    expect(await nothing).toMatchObject({ status: 'idle', queuePosition: null });
    expect(waitingStatuses).toEqual(['queued', 'connecting', 'idle']);
    await waitUntil(() => server.requests.some((request) => request.url === 'http://test/after'), 'the start behind it');
    server.finish('http://test/after');
    expect(await afterDone).toMatchObject({ status: 'done' });
    expect(pool).toMatchObject({ active: 0, queued: 0 });
  });

  it('stop() while queued gives up the place in the queue, makes no request, and ends aborted', async () => {
    const pool = createPool({ maxConcurrent: 1 });
    const server = gatedServer();
    const starter = streamWith(pool, server.fetch);
    const started = starter.start({ url: 'http://test/start', body: { prompt: 'hi' } });
    const joiner = streamWith(pool, server.fetch);
    const joined = joiner.join('http://test/chat/stream');
    const behind = streamWith(pool, server.fetch);
    const behindJoin = behind.join('http://test/behind/stream');
    await waitUntil(() => pool.queued === 2, 'two joins queued');

    joiner.stop();
    expect(await joined).toMatchObject({ status: 'aborted', error: { kind: 'aborted' }, queuePosition: null });
    expect(pool.queued).toBe(1);
    expect(behind.getSnapshot().queuePosition).toBe(1);

    // The stream's own signal aborting is a stop() as well.
    const controller = new AbortController();
    const signalled = streamWith(pool, server.fetch, controller.signal);
    const signalledJoin = signalled.join('http://test/signalled/stream');
    await waitUntil(() => pool.queued === 2, 'the signalled join to queue');
    controller.abort();
    expect(await signalledJoin).toMatchObject({ status: 'aborted' });
    expect(pool.queued).toBe(1);

    server.finish('http://test/start');
    await started;
    await waitUntil(() => server.requests.length === 2, 'the join behind to connect');
    server.finish('http://test/behind/stream');
    expect(await behindJoin).toMatchObject({ status: 'done' });
    expect(server.requests.map((request) => request.url)).toEqual(['http://test/start', 'http://test/behind/stream']);
    expect(pool).toMatchObject({ active: 0, queued: 0 });
  });

  it('the slot is held while the joined stream runs and freed when it is stopped or reset', async () => {
    const pool = createPool({ maxConcurrent: 1 });
    const server = gatedServer();
    const joiner = streamWith(pool, server.fetch);
    const joined = joiner.join('http://test/chat/stream');
    await waitUntil(() => joiner.getSnapshot().status === 'streaming', 'the join to stream');
    expect(pool.active).toBe(1);
    joiner.stop();
    expect(await joined).toMatchObject({ status: 'aborted', text: 'Hello' });
    expect(pool.active).toBe(0);
    await waitUntil(() => server.open === 0, 'the GET to close');

    // reset() while queued: back to idle, the place in the queue given up.
    const starter = streamWith(pool, server.fetch);
    const started = starter.start({ url: 'http://test/start', body: { prompt: 'hi' } });
    const waiting = joiner.join('http://test/chat/stream');
    await waitUntil(() => pool.queued === 1, 'the join to queue');
    joiner.reset();
    expect(await waiting).toMatchObject({ status: 'idle' });
    expect(pool.queued).toBe(0);
    server.finish('http://test/start');
    await started;
    expect(pool).toMatchObject({ active: 0, queued: 0 });
  });

  it("a chat's join waits in the pool (the chat shows 'queued'); leave() while queued frees its place", async () => {
    const pool = createPool({ maxConcurrent: 1 });
    const server = gatedServer();
    const starter = streamWith(pool, server.fetch);
    const started = starter.start({ url: 'http://test/start', body: { prompt: 'hi' } });
    const chat = createChat({ url: 'http://test/api/chat', id: 'c1', provider: 'openai', fetch: server.fetch, pool, throttle: 0 });
    const joined = chat.join();
    await waitUntil(() => chat.getSnapshot().status === 'queued', "the chat to show 'queued'");
    expect(chat.getSnapshot().queuePosition).toBe(1);
    chat.leave();
    await joined;
    expect(chat.getSnapshot().messages).toEqual([]);
    expect(pool.queued).toBe(0);
    server.finish('http://test/start');
    await started;
    expect(server.requests.map((request) => request.url)).toEqual(['http://test/start']);
    expect(pool.active).toBe(0);
  });
});
