import { createStream } from '@tokenstream/core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRelay, memoryStore, redisStore, type RelayStore } from '../src/index';
import { fetchUpstream, serveRelay, startCuttingProxy, type Running } from './support/http';
import { startUpstream, type UpstreamServer } from './support/upstream-server';

const TOKENS = Array.from({ length: 60 }, (_, i) => `w${i} `);
const TEXT = TOKENS.join('');
const FAST_RETRY = { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 20 };

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

async function instance(store: RelayStore): Promise<Running> {
  const relay = createRelay({ store });
  const server = await serveRelay(relay, fetchUpstream(upstream.url));
  cleanups.push(async () => {
    await relay.close();
    await server.close();
    await store.close();
  });
  return server;
}

describe('browser core createStream → relay → provider', () => {
  it('a forced drop mid-stream (memoryStore): the core resumes with Last-Event-ID to the exact text', async () => {
    upstream.set({ tokens: TOKENS });
    const relayServer = await instance(memoryStore());
    const proxy = await startCuttingProxy(relayServer.url, 2000);
    cleanups.push(() => proxy.close());

    const stream = createStream({ url: proxy.url, body: { messages: [{ role: 'user', content: 'hi' }] }, provider: 'openai',
      retry: FAST_RETRY, throttle: 0 });
    const snapshot = await stream.start();

    expect(proxy.cuts).toBe(1);
    expect(snapshot.error).toBeNull();
    expect(snapshot.status).toBe('done');
    expect(snapshot.text).toBe(TEXT);
    expect(snapshot.finishReason).toBe('stop');
    expect(snapshot.metrics.reconnects).toBeGreaterThanOrEqual(1);
    expect(upstream.calls).toHaveLength(1);
  });

  it('a forced drop on instance A resumes on instance B through Redis', async () => {
    upstream.set({ tokens: TOKENS });
    const a = await instance(redisStore({ url: inject('redisUrl'), keyPrefix: 'test:e2e:' }));
    const b = await instance(redisStore({ url: inject('redisUrl'), keyPrefix: 'test:e2e:' }));
    const balancer = await startCuttingProxy(a.url, 2000, b.url);
    cleanups.push(() => balancer.close());

    const stream = createStream({ url: balancer.url, body: { prompt: 'hi' }, provider: 'openai', retry: FAST_RETRY, throttle: 0 });
    const snapshot = await stream.start();

    expect(balancer.cuts).toBe(1);
    expect(snapshot.error).toBeNull();
    expect(snapshot.status).toBe('done');
    expect(snapshot.text).toBe(TEXT);
    expect(snapshot.metrics.reconnects).toBeGreaterThanOrEqual(1);
    expect(upstream.calls).toHaveLength(1);
  });

  it('an upstream 429 reaches the core as a provider error, with nothing retried upstream', async () => {
    upstream.set({ status: 429, errorBody: JSON.stringify({ error: { message: 'Rate limit reached', type: 'requests',
      code: 'rate_limit_exceeded' } }) });
    const relayServer = await instance(memoryStore());
    const stream = createStream({ url: relayServer.url, body: {}, provider: 'openai', retry: FAST_RETRY, throttle: 0 });
    const snapshot = await stream.start();
    expect(snapshot.status).toBe('error');
    expect(snapshot.error?.kind).toBe('provider');
    expect(snapshot.error?.message).toContain('Rate limit reached');
    expect(upstream.calls).toHaveLength(1);
  });

  it('a mid-stream upstream drop reaches the core as a provider error with the partial text kept', async () => {
    upstream.set({ tokens: TOKENS, dropAfter: 10 });
    const relayServer = await instance(memoryStore());
    const stream = createStream({ url: relayServer.url, body: {}, provider: 'openai', retry: FAST_RETRY, throttle: 0 });
    const snapshot = await stream.start();
    expect(snapshot.status).toBe('error');
    expect(snapshot.error?.kind).toBe('provider');
    expect(snapshot.text).toBe(TOKENS.slice(0, 10).join(''));
  });

  it('an empty 200 from the provider reaches the core as one provider error: one upstream call, no re-POST', async () => {
    let calls = 0;
    const relay = createRelay({ store: memoryStore() });
    const server = await serveRelay(relay, async () => {
      calls++;
      return new Response('', { headers: { 'content-type': 'text/event-stream' } });
    });
    cleanups.push(async () => {
      await relay.close();
      await server.close();
    });
    const stream = createStream({ url: server.url, body: {}, provider: 'openai', retry: FAST_RETRY, throttle: 0 });
    const snapshot = await stream.start();
    expect(snapshot.status).toBe('error');
    expect(snapshot.error?.kind).toBe('provider');
    expect(calls).toBe(1);
  });

  it('a secret the provider echoes in an in-band error never reaches the core\'s error fields', async () => {
    const key = 'sk-live-SECRETSECRET0123456789';
    const relay = createRelay({ store: memoryStore() });
    const server = await serveRelay(relay, async () => new Response(
      `data: ${JSON.stringify({ error: { message: `bad key ${key}`, type: 'invalid_request_error', code: 'invalid_api_key' } })}\n\n`,
      { headers: { 'content-type': 'text/event-stream' } }));
    cleanups.push(async () => {
      await relay.close();
      await server.close();
    });
    const stream = createStream({ url: server.url, body: {}, provider: 'openai', retry: FAST_RETRY, throttle: 0 });
    const snapshot = await stream.start();
    expect(snapshot.status).toBe('error');
    expect(JSON.stringify({ ...snapshot.error, message: snapshot.error?.message })).not.toContain(key);
  });
});
