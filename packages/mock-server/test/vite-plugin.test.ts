import type { AddressInfo } from 'node:net';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { mockAnswer, mockStreamPlugin } from '../src/index';
import { chatBody, parseSse, rawRequest } from './helpers';

let vite: ViteDevServer;
let base: string;

beforeAll(async () => {
  vite = await createServer({
    configFile: false,
    root: import.meta.dirname,
    logLevel: 'silent',
    server: { host: '127.0.0.1', port: 0, strictPort: false, watch: null },
    optimizeDeps: { noDiscovery: true, include: [] },
    plugins: [mockStreamPlugin({ length: 5 })],
  });
  await vite.listen();
  const { port } = vite.httpServer!.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await vite?.close();
});

describe('mockStreamPlugin in vite dev', () => {
  it('serves the streaming routes with the plugin options as defaults', async () => {
    const body = chatBody('from vite');
    const res = await rawRequest(base, '/v1/chat/completions', { body });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const events = parseSse(res.text);
    expect(events).toHaveLength(5 + 3);
    expect(events.slice(1, -2).map((e) => JSON.parse(e.data).choices[0].delta.content).join('')).toBe(mockAnswer(body, { length: 5 }).text);
  });

  it('answers the /ws upgrade and leaves other paths to vite', async () => {
    const messages = await new Promise<string[]>((resolve, reject) => {
      const ws = new WebSocket(`${base.replace('http', 'ws')}/ws`);
      const got: string[] = [];
      ws.on('open', () => ws.send(JSON.stringify({ type: 'start', route: '/text', body: { prompt: 'hi' } })));
      ws.on('message', (d) => got.push(JSON.parse(String(d)).type));
      ws.on('close', () => resolve(got));
      ws.on('error', reject);
    });
    expect(messages).toEqual(['event', 'event', 'event', 'event', 'event', 'end']);
    const client = await rawRequest(base, '/@vite/client');
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toContain('javascript');
  });
});
