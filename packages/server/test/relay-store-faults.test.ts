import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRelay, redisStore, type Relay, type RelayStore } from '../src/index';
import { tsChild } from './support/child';
import { fetchUpstream } from './support/http';
import { startOwnRedis, type OwnRedis } from './support/own-redis';
import { eventsOf, openAiText } from './support/sse-client';
import { startUpstream, type UpstreamServer } from './support/upstream-server';

const TOKENS = Array.from({ length: 12 }, (_, i) => `w${i} `);
const TEXT = TOKENS.join('');

let upstream: UpstreamServer;
let redis: OwnRedis;
let relay: Relay | undefined;
let store: RelayStore | undefined;
beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(async () => {
  await upstream.close();
});
afterEach(async () => {
  await relay?.close();
  await store?.close();
  await redis?.close();
  relay = undefined;
  store = undefined;
  upstream.calls.length = 0;
});

const post = (headers: Record<string, string> = {}) => new Request('http://relay.test/api/chat',
  { method: 'POST', body: '{}', headers });

describe('store faults (a private redis-server, killed or stopped)', () => {
  it('Redis killed mid-stream: the first client still gets the exact answer; resuming is what is lost', async () => {
    redis = await startOwnRedis();
    upstream.set({ tokens: TOKENS, holdAfter: 4 });
    const errors: unknown[] = [];
    store = redisStore({ url: redis.url, connectTimeoutMs: 300 });
    relay = createRelay({ store, storeTimeoutMs: 500, onError: (error) => errors.push(error) });
    const response = await relay.handle(post(), { upstream: fetchUpstream(upstream.url), streamId: 'c', owner: 'u' });
    await upstream.callAt(0);
    await redis.kill();
    upstream.release();
    const events = await eventsOf(response);
    expect(openAiText(events)).toBe(TEXT);
    expect(events[events.length - 1].data).toBe('[DONE]');
    expect(upstream.calls).toHaveLength(1);
    expect(errors.length).toBeGreaterThan(0);
    // Once the run is over (it is no longer in this instance's memory), its resume needed the store.
    await expect.poll(() => relay!.stats().upstreams).toBe(0);
    const resumed = await relay.handle(post({ 'last-event-id': events[2].id }),
      { upstream: fetchUpstream(upstream.url), owner: 'u' });
    expect([404, 503]).toContain(resumed.status);
  });

  it('Redis stopped (SIGSTOP): a new request gets the exact answer or a 503 within storeTimeoutMs + 1 s, never a hang', async () => {
    redis = await startOwnRedis();
    upstream.set({ tokens: TOKENS });
    store = redisStore({ url: redis.url, connectTimeoutMs: 300 });
    const storeTimeoutMs = 400;
    relay = createRelay({ store, storeTimeoutMs, onError: () => undefined });
    // Connected and warm before the stop, as in production.
    expect(openAiText(await eventsOf(await relay.handle(post(), { upstream: fetchUpstream(upstream.url) })))).toBe(TEXT);
    redis.pause();
    const started = Date.now();
    const response = await relay.handle(post(), { upstream: fetchUpstream(upstream.url), streamId: 'c2', owner: 'u' });
    expect(Date.now() - started).toBeLessThan(storeTimeoutMs + 1000);
    if (response.status === 200) expect(openAiText(await eventsOf(response))).toBe(TEXT);
    else expect(response.status).toBe(503);
    // Join and resume need the store: a prompt 503, not a hang.
    for (const answer of [
      () => relay!.join(post(), { streamId: 'c2', owner: 'u' }),
      () => relay!.handle(post({ 'last-event-id': `${'a'.repeat(32)}:1` }), { upstream: fetchUpstream(upstream.url) }),
    ]) {
      const before = Date.now();
      expect((await answer()).status).toBe(503);
      expect(Date.now() - before).toBeLessThan(storeTimeoutMs + 1000);
    }
    redis.resume();
  });

  it('a dead producer (its process killed) ends its followers with a typed in-band error within 3 heartbeats', async () => {
    redis = await startOwnRedis();
    const heartbeatMs = 300;
    const keyPrefix = 'test:dead-producer:';
    const run = tsChild('./producer-child.ts', { REDIS_URL: redis.url, KEY_PREFIX: keyPrefix,
      HEARTBEAT_MS: String(heartbeatMs) });
    const child = spawn(run.command, run.args, { env: run.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const firstId = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('\n')) resolve(out.trim());
        });
        child.stderr.on('data', (chunk: Buffer) => {
          err += chunk.toString();
        });
        child.once('exit', (code) => reject(new Error(`producer exited (${code}): ${err}`)));
      });
      store = redisStore({ url: redis.url, keyPrefix });
      relay = createRelay({ store, heartbeatMs });
      const follower = await relay.handle(post({ 'last-event-id': firstId }), { upstream: fetchUpstream(upstream.url), owner: 'alice' });
      expect(follower.status).toBe(200);
      const joined = await relay.join(post(), { streamId: 'chat-1', owner: 'alice' });
      expect(joined.status).toBe(200);
      // Both followers are attached and waiting; now the producing process dies without a word.
      await new Promise((resolve) => setTimeout(resolve, heartbeatMs));
      const killedAt = Date.now();
      child.kill('SIGKILL');
      const [followed, joinedEvents] = await Promise.all([eventsOf(follower), eventsOf(joined)]);
      const elapsed = Date.now() - killedAt;
      expect(elapsed).toBeLessThanOrEqual(3 * heartbeatMs + 500);
      expect(openAiText(joinedEvents.slice(0, -1))).toBe('Hello there');
      for (const events of [followed, joinedEvents]) {
        expect(JSON.parse(events[events.length - 1].data)).toMatchObject({ error: { code: 'producer_lost' } });
      }
      expect(upstream.calls).toHaveLength(0);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  }, 30_000);
});
