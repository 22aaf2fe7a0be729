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
    plugins: [
      mockStreamPlugin({ length: 5 }),
      {
        // The app's own chat route, registered after the mock's plugin, as an app would.
        name: 'app-route',
        configureServer(server) {
          server.middlewares.use('/api/chat', (_req, res) => {
            res.setHeader('content-type', 'text/plain');
            res.end('the app answered');
          });
        },
      },
    ],
  });
  await vite.listen();
  const { port } = vite.httpServer!.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await vite?.close();
});

describe('mockStreamPlugin in vite dev', () => {
  it('serves the streaming routes with the plugin options as defaults (unprefixed paths: a fallback after vite’s own)', async () => {
    const body = chatBody('from vite');
    const res = await rawRequest(base, '/v1/chat/completions', { body });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const events = parseSse(res.text);
    expect(events).toHaveLength(5 + 3);
    expect(events.slice(1, -2).map((e) => JSON.parse(e.data).choices[0].delta.content).join('')).toBe(mockAnswer(body, { length: 5 }).text);
  });

  it('serves the routes under /mock, so the app’s own /api/chat is never shadowed', async () => {
    const body = { messages: [{ role: 'user', content: 'ollama' }] };
    const app = await rawRequest(base, '/api/chat', { body });
    expect(app.text).toBe('the app answered');
    const mock = await rawRequest(base, '/mock/api/chat', { body });
    expect(mock.headers['content-type']).toBe('application/x-ndjson');
    expect(JSON.parse(mock.text.trimEnd().split('\n').at(-1)!).done).toBe(true);
    const aiSdk = await rawRequest(base, '/mock/ai-sdk/chat', { body: { id: 'vite-chat', ...body } });
    expect(aiSdk.headers['x-vercel-ai-ui-message-stream']).toBe('v1');
    expect((await rawRequest(base, '/mock/ai-sdk/chat/vite-chat/stream')).status).toBe(200);
  });

  it('takes upgrades under /mock, with the route named by its full path or not at all', async () => {
    for (const start of [{ type: 'start', route: '/mock/text', body: { prompt: 'hi' } }, { type: 'start', body: { prompt: 'hi' } }]) {
      const types = await new Promise<string[]>((resolve, reject) => {
        const ws = new WebSocket(`${base.replace('http', 'ws')}/mock/text`);
        const got: string[] = [];
        ws.on('open', () => ws.send(JSON.stringify(start)));
        ws.on('message', (d) => got.push(JSON.parse(String(d)).type));
        ws.on('close', () => resolve(got));
        ws.on('error', reject);
      });
      expect(types).toEqual(['event', 'event', 'event', 'event', 'event', 'end']);
    }
  });

  it('takes the /mock/ws upgrade too', async () => {
    const messages = await new Promise<string[]>((resolve, reject) => {
      const ws = new WebSocket(`${base.replace('http', 'ws')}/mock/ws`);
      const got: string[] = [];
      ws.on('open', () => ws.send(JSON.stringify({ type: 'start', route: '/text', body: { prompt: 'hi' } })));
      ws.on('message', (d) => got.push(JSON.parse(String(d)).type));
      ws.on('close', () => resolve(got));
      ws.on('error', reject);
    });
    expect(messages.at(-1)).toBe('end');
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
