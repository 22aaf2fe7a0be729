import { spawnSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRelay, memoryStore, type Relay } from '../src/index';
import { tsChild } from './support/child';
import { fetchUpstream, serveRelay, type Running } from './support/http';
import { eventsOf, openAiText } from './support/sse-client';
import { startUpstream, type UpstreamServer } from './support/upstream-server';

let upstream: UpstreamServer;
let relay: Relay;
let server: Running | undefined;
beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(async () => {
  await upstream.close();
});
afterEach(async () => {
  await relay?.close();
  await server?.close();
  server = undefined;
  upstream.calls.length = 0;
});

describe('bounded memory', () => {
  it('a 1 GiB upstream line ends in an in-band overflow error while another stream finishes exact; RSS < 200 MiB', () => {
    // Its own process, so that RSS is the relay's: the line is generated lazily and the relay aborts it at 8 MiB.
    const run = tsChild('./overflow-child.ts');
    const child = spawnSync(run.command, run.args, { encoding: 'utf8', timeout: 45_000, env: run.env });
    expect(child.status, child.stderr).toBe(0);
    const report = JSON.parse(child.stdout.trim().split('\n').pop()!) as { hugeEvents: string[]; normalText: string;
      maxRssMiB: number; baseRssMiB: number; hugeMiBSent: number; stats: object };
    expect(report.hugeEvents).toHaveLength(1);
    expect(JSON.parse(report.hugeEvents[0])).toMatchObject({ error: { code: 'overflow' } });
    expect(report.normalText).toBe(Array.from({ length: 20 }, (_, i) => `t${i} `).join(''));
    expect(report.maxRssMiB).toBeLessThan(200);
    // The upstream was stopped near the limit, not read to its end.
    expect(report.hugeMiBSent).toBeLessThan(64);
    expect(report.stats).toEqual({ upstreams: 0, clients: 0, bufferedBytes: 0, maxClientBufferedBytes: 0 });
  }, 60_000);

  it('maxEventBytes counts bytes: a multi-line SSE event over the limit (in UTF-8, not in characters) is an overflow', async () => {
    const line = `data: ${'é'.repeat(400)}\n`; // 800 bytes, 400 characters
    relay = createRelay({ store: memoryStore(), maxEventBytes: 1000 });
    const response = await relay.handle(new Request('http://relay.test/', { method: 'POST', body: '{}' }), {
      upstream: async () => new Response(`${line}${line}\n`, { headers: { 'content-type': 'text/event-stream' } }),
    });
    const events = await eventsOf(response);
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0].data)).toMatchObject({ error: { code: 'overflow' } });
  });

  it('a client that reads nothing costs a bounded buffer, even for multi-MiB events; stats() counts it', async () => {
    const big = 'y'.repeat(3 * 1024 * 1024);
    upstream.set({ tokens: [big, big, 'end'] });
    relay = createRelay({ store: memoryStore() });
    const response = await relay.handle(new Request('http://relay.test/', { method: 'POST', body: '{}' }),
      { upstream: fetchUpstream(upstream.url) });
    expect(await (await upstream.callAt(0)).outcome).toBe('complete');
    await expect.poll(() => relay.stats().upstreams, { timeout: 10_000, interval: 10 }).toBe(0);
    const stats = relay.stats();
    expect(stats.maxClientBufferedBytes).toBeGreaterThan(0);
    // 16 KiB high-water mark plus one piece of at most 16 K characters (ASCII here).
    expect(stats.maxClientBufferedBytes).toBeLessThanOrEqual(16 * 1024 + 16 * 1024 + 1024);
    expect(stats.bufferedBytes).toBe(stats.maxClientBufferedBytes);
    expect(openAiText(await eventsOf(response))).toBe(`${big}${big}end`);
  }, 20_000);

  it('clientIdleTimeoutMs disconnects a client that stopped reading; the stream stays resumable', async () => {
    // About 10 MB: more than the kernel's socket buffers take, so the client's stall reaches the relay.
    const tokens = Array.from({ length: 600 }, (_, i) => `${i}:${'w'.repeat(16 * 1024)} `);
    upstream.set({ tokens });
    relay = createRelay({ store: memoryStore(), clientIdleTimeoutMs: 200 });
    server = await serveRelay(relay, fetchUpstream(upstream.url));
    const { connect } = await import('node:net');
    const url = new URL(server.url);
    const socket = connect(Number(url.port), url.hostname);
    socket.pause();
    socket.write(`POST ${url.pathname} HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}`);
    try {
      await expect.poll(() => relay.stats().clients, { timeout: 5_000, interval: 20 }).toBe(1);
      await expect.poll(() => relay.stats().clients, { timeout: 5_000, interval: 20 }).toBe(0);
      expect(await upstream.calls[0].outcome).toBe('complete');
      // The connection was cut, not finished: what the socket still delivers stops before the end of the stream.
      let tail = '';
      await new Promise<void>((resolve) => {
        socket.on('data', (chunk: Buffer) => {
          tail = (tail + chunk.toString('latin1')).slice(-64);
        });
        socket.on('close', () => resolve());
        socket.resume();
      });
      expect(tail).not.toContain('[DONE]');
    } finally {
      socket.destroy();
    }
  }, 20_000);
});
