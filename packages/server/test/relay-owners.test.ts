import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRelay, memoryStore, redisStore, toNodeHandler, type Relay, type RelayStore } from '../src/index';
import { fetchUpstream } from './support/http';
import { eventsOf, openAiText } from './support/sse-client';
import { startUpstream, type UpstreamServer } from './support/upstream-server';

const TOKENS = ['One', ' two', ' three', '.'];
const TEXT = TOKENS.join('');

let upstream: UpstreamServer;
let relay: Relay;
let store: RelayStore;
beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(async () => {
  await upstream.close();
});
afterEach(async () => {
  await relay?.close();
  await store?.close();
  upstream.calls.length = 0;
});

const post = (headers: Record<string, string> = {}) => new Request('http://relay.test/api/chat',
  { method: 'POST', body: '{}', headers });
const get = (headers: Record<string, string> = {}) => new Request('http://relay.test/api/chat/c1/stream', { headers });

/** The first n events of an SSE response, and a Response carrying the rest of its body. */
async function firstEvents(response: Response, n: number): Promise<[{ id: string; event: string; data: string }[], Response]> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while ((text.match(/\n\n/g) ?? []).length < n) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  const cut = text.split('\n\n').slice(0, n).join('\n\n').length + 2;
  const head = await eventsOf(new Response(text.slice(0, cut)));
  const rest = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text.slice(cut)));
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
  });
  return [head, new Response(rest)];
}

const stores = {
  memoryStore: () => memoryStore(),
  redisStore: () => redisStore({ url: inject('redisUrl'), keyPrefix: `test:owners:${Date.now()}:` }),
};

describe.each(Object.keys(stores) as (keyof typeof stores)[])('%s: owners and app stream ids', (name) => {
  const start = (options: Parameters<typeof createRelay>[0] = {}) => {
    store = stores[name]();
    relay = createRelay({ store, ...options });
    return relay;
  };

  it('another owner gets 404 on resume, 204 on join and 404 on cancel, and no event', async () => {
    upstream.set({ tokens: TOKENS, holdAfter: 2 });
    start();
    const response = await relay.handle(post(), { upstream: fetchUpstream(upstream.url), streamId: 'c1', owner: 'alice' });
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    const id = /id: (\S+)/.exec(first)![1];

    for (const owner of ['mallory', undefined]) {
      const resumed = await relay.handle(post({ 'last-event-id': id }), { upstream: fetchUpstream(upstream.url), owner });
      expect(resumed.status).toBe(404);
      const body = await resumed.text();
      expect(body).not.toContain(id.split(':')[0]);
      const byQuery = await relay.handle(new Request(`http://relay.test/api/chat?stream=${id.split(':')[0]}&after=0`),
        { upstream: fetchUpstream(upstream.url), owner });
      expect(byQuery.status).toBe(404);
      const joined = await relay.join(get(), { streamId: 'c1', owner });
      expect(joined.status).toBe(204);
      expect(await joined.text()).toBe('');
      expect((await relay.cancel(get(), { streamId: 'c1', owner })).status).toBe(404);
    }
    upstream.release();
    await reader.cancel();
    // The owner's own stream was never disturbed: it ran to its end, and replays in full to its owner.
    expect(await upstream.calls[0].outcome).toBe('complete');
    await expect.poll(() => relay.stats().upstreams).toBe(0);
    const replay = await relay.join(get(), { streamId: 'c1', owner: 'alice' });
    expect(openAiText(await eventsOf(replay))).toBe(TEXT);
    expect(upstream.calls).toHaveLength(1);
  });

  it('join replays a running stream from its first event, then live; 204 when nothing ever ran', async () => {
    upstream.set({ tokens: TOKENS, holdAfter: 2 });
    start();
    expect((await relay.join(get(), { streamId: 'c1', owner: 'alice' })).status).toBe(204);
    const response = await relay.handle(post(), { upstream: fetchUpstream(upstream.url), streamId: 'c1', owner: 'alice' });
    await upstream.callAt(0);
    const joined = await relay.join(get(), { streamId: 'c1', owner: 'alice' });
    expect(joined.status).toBe(200);
    expect(joined.headers.get('content-type')).toBe('text/event-stream');
    upstream.release();
    const [mine, theirs] = await Promise.all([eventsOf(response), eventsOf(joined)]);
    expect(openAiText(theirs)).toBe(TEXT);
    expect(theirs.map((e) => e.id)).toEqual(mine.map((e) => e.id));
  });

  it('cancel aborts the upstream; the client and joiners get an in-band `cancelled` error; a second cancel is 204', async () => {
    upstream.set({ tokens: TOKENS, holdAfter: 1 });
    start();
    const response = await relay.handle(post(), { upstream: fetchUpstream(upstream.url), streamId: 'c1', owner: 'alice' });
    const call = await upstream.callAt(0);
    const joined = await relay.join(get(), { streamId: 'c1', owner: 'alice' });
    expect((await relay.cancel(get(), { streamId: 'c1', owner: 'alice' })).status).toBe(204);
    expect(await call.outcome).toBe('aborted-by-client');
    for (const events of await Promise.all([eventsOf(response), eventsOf(joined)])) {
      expect(JSON.parse(events[events.length - 1].data)).toMatchObject({ error: { code: 'cancelled' } });
    }
    expect((await relay.cancel(get(), { streamId: 'c1', owner: 'alice' })).status).toBe(204);
  });

  it('a new POST for a running streamId supersedes it; the new turn never splices into the old one', async () => {
    upstream.set({ tokens: TOKENS, holdAfter: 2 });
    start();
    const oldResponse = await relay.handle(post(), { upstream: fetchUpstream(upstream.url), streamId: 'c1', owner: 'alice' });
    const oldCall = await upstream.callAt(0);
    const [oldHead, old] = await firstEvents(oldResponse, 3);
    upstream.set({ tokens: ['Second', ' turn'], holdAfter: 5 });
    const next = await relay.handle(post(), { upstream: fetchUpstream(upstream.url), streamId: 'c1', owner: 'alice' });
    expect(await oldCall.outcome).toBe('aborted-by-client');
    const oldEvents = [...oldHead, ...(await eventsOf(old))];
    expect(oldEvents.length).toBe(4);
    expect(JSON.parse(oldEvents[oldEvents.length - 1].data)).toMatchObject({ error: { code: 'superseded' } });
    const nextEvents = await eventsOf(next);
    expect(openAiText(nextEvents)).toBe('Second turn');
    const oldRun = oldEvents[0].id.split(':')[0];
    expect(nextEvents.every((e) => !e.id.startsWith(`${oldRun}:`))).toBe(true);
    // A reconnect of the old turn continues the old turn (to its error), never the new one.
    const resumed = await relay.handle(post({ 'last-event-id': oldEvents[0].id }),
      { upstream: fetchUpstream(upstream.url), owner: 'alice' });
    expect(resumed.status).toBe(200);
    const rest = await eventsOf(resumed);
    expect(rest.every((e) => e.id === '' || e.id.startsWith(`${oldRun}:`))).toBe(true);
    expect(JSON.parse(rest[rest.length - 1].data)).toMatchObject({ error: { code: 'superseded' } });
    // The chat's join now answers the new turn.
    expect(openAiText(await eventsOf(await relay.join(get(), { streamId: 'c1', owner: 'alice' })))).toBe('Second turn');
  });

  it('another owner\'s POST with the same streamId is a separate stream: it neither supersedes nor is joined', async () => {
    upstream.set({ tokens: TOKENS, holdAfter: 2 });
    start();
    const alice = await relay.handle(post(), { upstream: fetchUpstream(upstream.url), streamId: 'c1', owner: 'alice' });
    await upstream.callAt(0);
    const mallory = await relay.handle(post(), { upstream: fetchUpstream(upstream.url), streamId: 'c1', owner: 'mallory' });
    await upstream.callAt(1);
    upstream.release();
    expect(openAiText(await eventsOf(alice))).toBe(TEXT);
    expect(openAiText(await eventsOf(mallory))).toBe(TEXT);
    expect(await upstream.calls[0].outcome).toBe('complete');
  });

  it('maxStreamsPerOwner: one more running stream of the same owner is a 429 JSON error; other owners are unaffected', async () => {
    upstream.set({ tokens: TOKENS, holdAfter: 1 });
    start({ maxStreamsPerOwner: 2 });
    const running: Response[] = [
      await relay.handle(post(), { upstream: fetchUpstream(upstream.url), streamId: 'a', owner: 'alice' }),
      await relay.handle(post(), { upstream: fetchUpstream(upstream.url), streamId: 'b', owner: 'alice' }),
    ];
    const third = await relay.handle(post(), { upstream: fetchUpstream(upstream.url), streamId: 'c', owner: 'alice' });
    expect(third.status).toBe(429);
    expect(await third.json()).toMatchObject({ error: { code: 'too_many_streams' } });
    // Simultaneous POSTs cannot slip past the limit while their streams are being registered.
    const burst = await Promise.all(['d', 'e', 'f', 'g'].map((streamId) =>
      relay.handle(post(), { upstream: fetchUpstream(upstream.url), streamId, owner: 'carol' })));
    expect(burst.map((r) => r.status).sort()).toEqual([200, 200, 429, 429]);
    running.push(...burst.filter((r) => r.status === 200));
    const bob = await relay.handle(post(), { upstream: fetchUpstream(upstream.url), streamId: 'a', owner: 'bob' });
    expect(bob.status).toBe(200);
    upstream.release();
    for (const response of [...running, bob]) expect(openAiText(await eventsOf(response))).toBe(TEXT);
    expect(upstream.calls).toHaveLength(5);
  });
});

describe('toNodeHandler with identify', () => {
  it('POST starts, GET joins, DELETE cancels, per owner', async () => {
    upstream.set({ tokens: TOKENS, holdAfter: 1 });
    store = memoryStore();
    relay = createRelay({ store });
    const server = createServer(toNodeHandler(relay, {
      upstream: fetchUpstream(upstream.url),
      identify: (req) => ({ streamId: /^\/api\/chat\/([^/]+)/.exec(req.url ?? '')?.[1], owner: String(req.headers['x-user']) }),
    }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/chat/c1`;
    try {
      const started = await fetch(base, { method: 'POST', body: '{}', headers: { 'x-user': 'alice' } });
      await upstream.callAt(0);
      expect((await fetch(`${base}/stream`, { headers: { 'x-user': 'bob' } })).status).toBe(204);
      expect((await fetch(`${base}/stream`, { method: 'DELETE', headers: { 'x-user': 'bob' } })).status).toBe(404);
      const joined = await fetch(`${base}/stream`, { headers: { 'x-user': 'alice' } });
      expect(joined.status).toBe(200);
      expect((await fetch(`${base}/stream`, { method: 'DELETE', headers: { 'x-user': 'alice' } })).status).toBe(204);
      for (const events of [await eventsOf(started), await eventsOf(joined)]) {
        expect(JSON.parse(events[events.length - 1].data)).toMatchObject({ error: { code: 'cancelled' } });
      }
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
