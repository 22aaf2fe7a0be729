import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelay, memoryStore } from '../src/index';
import { fetchUpstream } from './support/http';
import { openAiText } from './support/sse-client';
import { startUpstream, type UpstreamServer } from './support/upstream-server';

let upstream: UpstreamServer;
beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(async () => {
  await upstream.close();
});

async function readAll(body: ReadableStream<Uint8Array>): Promise<{ data: string }[]> {
  const text = await new Response(body).text();
  return text.split('\n\n').filter((block) => block.includes('data: ')).map((block) => ({
    data: block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n'),
  }));
}

describe('a slow reader', () => {
  it('costs the relay a bounded buffer while the upstream runs to its end; then gets everything', async () => {
    const tokens = Array.from({ length: 3000 }, (_, i) => `token-${i}-${'x'.repeat(40)} `);
    upstream.set({ tokens });
    const relay = createRelay({ store: memoryStore() });
    const response = await relay.handle(new Request('http://relay.test/api/chat', { method: 'POST', body: '{}' }),
      { upstream: fetchUpstream(upstream.url) });

    // The client reads nothing while the whole upstream (about 400 KB of SSE) goes into the store.
    expect(await (await upstream.callAt(0)).outcome).toBe('complete');
    await expect.poll(() => relay.stats().upstreams, { timeout: 5000, interval: 10 }).toBe(0);
    const stats = relay.stats();
    expect(stats.clients).toBe(1);
    expect(stats.maxClientBufferedBytes).toBeGreaterThan(0);
    expect(stats.maxClientBufferedBytes).toBeLessThanOrEqual(32 * 1024);

    const events = await readAll(response.body!);
    expect(openAiText(events)).toBe(tokens.join(''));
    expect(relay.stats()).toEqual({ upstreams: 0, clients: 0, bufferedBytes: 0, maxClientBufferedBytes: 0 });
  });

  it('large events are handed over one at a time, not batched', async () => {
    const big = 'y'.repeat(200 * 1024);
    const tokens = Array.from({ length: 20 }, (_, i) => `${i}:${big}`);
    upstream.set({ tokens });
    const callIndex = upstream.calls.length;
    const relay = createRelay({ store: memoryStore() });
    const response = await relay.handle(new Request('http://relay.test/api/chat', { method: 'POST', body: '{}' }),
      { upstream: fetchUpstream(upstream.url) });
    expect(await (await upstream.callAt(callIndex)).outcome).toBe('complete');
    await expect.poll(() => relay.stats().upstreams, { timeout: 5000, interval: 10 }).toBe(0);
    // about 4 MB went into the store; the client, reading nothing, costs one event's worth
    expect(relay.stats().maxClientBufferedBytes).toBeLessThanOrEqual(16 * 1024 + 210 * 1024);

    const events = await readAll(response.body!);
    expect(openAiText(events)).toBe(tokens.join(''));
  });
});
