import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelay, memoryStore, toNodeHandler, type Upstream } from '../src/index';
import { openAiText, openSse } from './support/sse-client';
import { startUpstream, type UpstreamServer } from './support/upstream-server';

let upstream: UpstreamServer;
beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(async () => {
  await upstream.close();
});

describe('toNodeHandler', () => {
  it('uses req.body when a body parser (like express.json()) already consumed the stream', async () => {
    upstream.set({ tokens: ['ok'] });
    const seen: string[] = [];
    const call: Upstream = async (signal, request) => {
      const body = await request.text();
      seen.push(body);
      return fetch(upstream.url, { method: 'POST', body, signal });
    };
    const relay = createRelay({ store: memoryStore() });
    const handler = toNodeHandler(relay, { upstream: call });
    // What express.json() does: read the stream, then set req.body.
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        (req as IncomingMessage & { body?: unknown }).body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        handler(req, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/chat`;
      const client = await openSse(url, { body: JSON.stringify({ messages: [{ role: 'user', content: 'hé' }] }) });
      expect(openAiText(await client.rest())).toBe('ok');
      expect(JSON.parse(seen[0])).toEqual({ messages: [{ role: 'user', content: 'hé' }] });
    } finally {
      await relay.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('streams the relay\'s status, headers and JSON errors through', async () => {
    const relay = createRelay({ store: memoryStore() });
    const server = createServer(toNodeHandler(relay, { upstream: async () => new Response('unused') }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/chat?stream=missing&after=2`;
      const res = await fetch(url);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.json()).toMatchObject({ error: { code: 'stream_not_found' } });
    } finally {
      await relay.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('waits for drain: a client that stops reading leaves the data in the store, not in Node\'s buffers', async () => {
    const tokens = Array.from({ length: 1300 }, (_, i) => `${i}:${'z'.repeat(16 * 1024)}`); // about 21 MB
    upstream.set({ tokens });
    const relay = createRelay({ store: memoryStore() });
    const handler = toNodeHandler(relay, { upstream: async (signal) => fetch(upstream.url, { method: 'POST', body: '{}', signal }) });
    let response: ServerResponse | null = null;
    const server = createServer((req, res) => {
      response = res;
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    try {
      const callIndex = upstream.calls.length;
      socket.pause(); // the browser tab that stopped reading
      socket.write(`POST /api/chat HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 2\r\n\r\n{}`);
      expect(await (await upstream.callAt(callIndex)).outcome).toBe('complete');
      await expect.poll(() => relay.stats().upstreams, { timeout: 10_000, interval: 20 }).toBe(0);

      // The kernel's socket buffers hold a few MB at most; the rest must still be in the store.
      expect(response!.writableLength).toBeLessThanOrEqual(16 * 1024 + 80 * 1024);
      expect(relay.stats().maxClientBufferedBytes).toBeLessThanOrEqual(16 * 1024 + 80 * 1024);
      expect(response!.writableFinished).toBe(false);

      let received = 0;
      let tail = '';
      await new Promise<void>((resolve) => {
        socket.on('data', (chunk: Buffer) => {
          received += chunk.length;
          tail = (tail + chunk.toString('latin1')).slice(-32);
          if (tail.includes('data: [DONE]\n\n')) resolve();
        });
        socket.resume();
      });
      expect(received).toBeGreaterThan(21 * 1000 * 1000);
    } finally {
      socket.destroy();
      await relay.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 30_000);
});
