import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRelay, redisStore, type Relay, type RelayStore } from '../src/index';
import { fetchUpstream, serveRelay, startCuttingProxy, type Running } from './support/http';
import { eventsOf, openAiText, openSse } from './support/sse-client';
import { startUpstream, type UpstreamServer } from './support/upstream-server';

const TOKENS = Array.from({ length: 40 }, (_, i) => `tok${i} `);
const TEXT = TOKENS.join('');

let upstream: UpstreamServer;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(async () => {
  await upstream.close();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  upstream.calls.length = 0;
});

/** One app instance: its own relay, its own Redis connections, its own port. */
async function startInstance(options: Parameters<typeof createRelay>[0] = {}): Promise<{ relay: Relay; store: RelayStore; server: Running }> {
  const store = redisStore({ url: inject('redisUrl'), keyPrefix: 'test:relay:' });
  const relay = createRelay({ store, ...options });
  const server = await serveRelay(relay, fetchUpstream(upstream.url));
  cleanups.push(async () => {
    await relay.close();
    await server.close();
    await store.close();
  });
  return { relay, store, server };
}

describe('relay with redisStore across two instances', () => {
  it('starts on A, the connection is cut, resumes on B: exact text, one upstream call', async () => {
    upstream.set({ tokens: TOKENS, holdAfter: 25 });
    const a = await startInstance();
    const b = await startInstance();
    const proxyToA = await startCuttingProxy(a.server.url, 1500);
    cleanups.push(() => proxyToA.close());

    const first = await openSse(proxyToA.url, { body: JSON.stringify({ prompt: 'hi' }) });
    const before: Awaited<ReturnType<typeof first.rest>> = [];
    await expect((async () => {
      for (let item = await first.next(); item; item = await first.next()) if (item.kind === 'event') before.push(item);
    })()).rejects.toThrow(); // the proxy cut the connection mid-stream
    expect(proxyToA.cuts).toBe(1);
    expect(before.length).toBeGreaterThan(0);
    expect(before.length).toBeLessThan(TOKENS.length);

    const resumed = await openSse(b.server.url, { headers: { 'last-event-id': before[before.length - 1].id } });
    upstream.release(); // B follows the live stream that A keeps producing
    const after = await resumed.rest();

    expect(openAiText([...before, ...after])).toBe(TEXT);
    expect(after[after.length - 1].data).toBe('[DONE]');
    expect(upstream.calls).toHaveLength(1);
    expect(a.relay.stats().upstreams + b.relay.stats().upstreams).toBe(0);
  });

  it('client gone on A: A keeps consuming, B replays the whole stream from GET ?stream=&after=0', async () => {
    upstream.set({ tokens: TOKENS, holdAfter: 3 });
    const a = await startInstance();
    const b = await startInstance();
    const first = await openSse(a.server.url);
    const [head] = await first.events(1);
    first.cut();
    upstream.release();
    expect(await upstream.calls[0].outcome).toBe('complete');

    const url = new URL(b.server.url);
    url.searchParams.set('stream', head.id.split(':')[0]);
    const replay = await openSse(url.href, { method: 'GET', body: null });
    expect(openAiText(await replay.rest())).toBe(TEXT);
    expect(upstream.calls).toHaveLength(1);
  });

  it('a follower on B gets heartbeats while the producer on A waits for the provider', async () => {
    upstream.set({ tokens: TOKENS, holdAfter: 1 });
    const a = await startInstance();
    const b = await startInstance({ heartbeatMs: 20 });
    const first = await openSse(a.server.url);
    const before = await first.events(2);
    const follower = await openSse(b.server.url, { headers: { 'last-event-id': before[1].id } });
    let pings = 0;
    while (pings < 2) if ((await follower.next())?.kind === 'comment') pings++;
    upstream.release();
    expect(openAiText([...before, ...(await follower.rest())])).toBe(TEXT);
    expect(openAiText([...before, ...(await first.rest())])).toBe(TEXT);
  });

  it('an unreachable Redis still serves a new request (without resume); a resume answers 503 with Retry-After', async () => {
    upstream.set({ tokens: TOKENS });
    const errors: unknown[] = [];
    const store = redisStore({ url: 'redis://127.0.0.1:1', connectTimeoutMs: 100, onError: () => undefined });
    const relay = createRelay({ store, onError: (error) => errors.push(error) });
    const running = await serveRelay(relay, fetchUpstream(upstream.url));
    try {
      const client = await openSse(running.url);
      const events = await client.rest();
      expect(openAiText(events)).toBe(TEXT);
      expect(String(errors[0])).toMatch(/not reachable within 100 ms/);
      expect(upstream.calls).toHaveLength(1);
      const resumed = await fetch(running.url, { method: 'POST', headers: { 'last-event-id': `${'f'.repeat(32)}:1` } });
      expect(resumed.status).toBe(503);
      expect(resumed.headers.get('retry-after')).toBe('1');
      expect(await resumed.json()).toMatchObject({ error: { code: 'store_unavailable' } });
    } finally {
      await relay.close();
      await running.close();
      await store.close();
    }
  });

  it('B answers 404 once the stream expired in Redis', async () => {
    upstream.set({ tokens: ['short'] });
    const a = await startInstance({ ttlMs: 200 });
    const b = await startInstance();
    const client = await openSse(a.server.url);
    const events = await client.rest();
    const lastId = events[events.length - 1].id;
    await expect.poll(async () => {
      const res = await fetch(b.server.url, { method: 'POST', headers: { 'last-event-id': lastId }, body: '{}' });
      await res.body?.cancel();
      return res.status;
    }, { timeout: 3000, interval: 25 }).toBe(404);
    expect(upstream.calls).toHaveLength(1);
  });

  it("onClientGone 'abort' with Redis: the upstream stops and B reports client_gone in-band", async () => {
    upstream.set({ tokens: TOKENS, holdAfter: 2 });
    const a = await startInstance({ onClientGone: 'abort' });
    const b = await startInstance();
    const first = await openSse(a.server.url);
    const before = await first.events(3);
    first.cut();
    expect(await upstream.calls[0].outcome).toBe('aborted-by-client');
    const resumed = await openSse(b.server.url, { headers: { 'last-event-id': before[2].id } });
    const after = await resumed.rest();
    expect(JSON.parse(after[after.length - 1].data)).toMatchObject({ error: { code: 'client_gone' } });
  });

  it('join on B follows a chat running on A; cancel on B stops A\'s upstream within a heartbeat', async () => {
    upstream.set({ tokens: TOKENS, holdAfter: 5 });
    const a = await startInstance({ heartbeatMs: 100 });
    const b = await startInstance({ heartbeatMs: 100 });
    const request = () => new Request('http://relay.test/api/chat/c9/stream');
    const first = await a.relay.handle(new Request('http://relay.test/api/chat', { method: 'POST', body: '{}' }),
      { upstream: fetchUpstream(upstream.url), streamId: 'c9', owner: 'dana' });
    const call = await upstream.callAt(0);
    expect((await b.relay.join(request(), { streamId: 'c9', owner: 'erin' })).status).toBe(204);
    expect((await b.relay.cancel(request(), { streamId: 'c9', owner: 'erin' })).status).toBe(404);
    const joined = await b.relay.join(request(), { streamId: 'c9', owner: 'dana' });
    expect(joined.status).toBe(200);
    const cancelledAt = Date.now();
    expect((await b.relay.cancel(request(), { streamId: 'c9', owner: 'dana' })).status).toBe(204);
    expect(await call.outcome).toBe('aborted-by-client');
    expect(Date.now() - cancelledAt).toBeLessThan(2_000);
    for (const events of await Promise.all([eventsOf(first), eventsOf(joined)])) {
      expect(openAiText(events.slice(0, -1))).toBe(TOKENS.slice(0, 5).join(''));
      expect(JSON.parse(events[events.length - 1].data)).toMatchObject({ error: { code: 'cancelled' } });
    }
  });
});
