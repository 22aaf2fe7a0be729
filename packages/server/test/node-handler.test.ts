import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
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
});
