import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRelay, memoryStore, type Upstream } from '../src/index';
import { eventsOf } from './support/sse-client';

// What the app's upstream call carries, and what the browser's request to the relay carries.
const API_KEY = 'sk-proj-ZYXWVUTSRQ0987654321abcdef';
const AZURE_KEY = '0123456789abcdef0123456789abcdef';
const GOOGLE_KEY = 'AIzaSyA1234567890abcdefghijklmnopqrstu';
const URL_PASSWORD = 'hunter2-url-password';
/** A key in no recognizable format: only `secrets` can keep it out. */
const PLAIN_KEY = 'correct horse battery staple';
const SESSION = 'session-cookie-value-42';
const CLIENT_TOKEN = 'opaque-user-token-7f3a9c';
const SECRETS = [API_KEY, AZURE_KEY, GOOGLE_KEY, URL_PASSWORD, SESSION, CLIENT_TOKEN, PLAIN_KEY];

type Echo = (req: IncomingMessage, res: ServerResponse, echoed: string) => void;

/** Echoes every request header (and the URL) back in the way each case says: a hostile or careless upstream. */
const cases: Record<string, Echo> = {
  'a 401 JSON body': (req, res, echoed) => {
    res.writeHead(401, { 'content-type': 'application/json', 'x-echo': echoed.slice(0, 200).replace(/[^\x20-\x7e]/g, '') });
    res.end(JSON.stringify({ error: { message: `Invalid key. You sent: ${echoed}`, type: 'invalid_request_error',
      code: `invalid_api_key ${API_KEY}` } }));
  },
  'a 500 text body': (_req, res, echoed) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(`upstream connect error to http://10.1.2.3:8443/internal (headers: ${echoed})`);
  },
  'a 502 HTML page': (_req, res, echoed) => {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end(`<html><head><title>Bad Gateway ${API_KEY}</title><script>var k="${echoed}"</script></head></html>`);
  },
  'an in-band OpenAI error': (_req, res, echoed) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'x-upstream-auth': API_KEY });
    res.write(`data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'Hi' } }] })}\n\n`);
    res.end(`data: ${JSON.stringify({ error: { message: `quota for ${echoed}`, type: 'server_error', code: null } })}\n\n`);
  },
  'an in-band Anthropic error': (_req, res, echoed) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(`event: message_start\ndata: ${JSON.stringify({ type: 'message_start', message: { id: 'm', role: 'assistant', content: [] } })}\n\n`);
    res.end(`event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: `for ${echoed}` } })}\n\n`);
  },
};

let upstreamUrl = '';
let current: Echo = cases['a 401 JSON body'];
/** The upstream route: it picks the provider shape the relay writes its in-band error in. */
let upstreamPath = '/v1/chat/completions';
const server = createServer((req, res) => {
  req.resume();
  const echoed = `${req.url} ${JSON.stringify(req.headers)}`;
  current(req, res, echoed);
});
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const upstream: Upstream = (signal) => {
  // URL credentials are sent by fetch as Basic auth; the key= query and the headers as they are.
  const url = new URL(`${upstreamUrl}${upstreamPath}?key=${GOOGLE_KEY}`);
  return fetch(url, { method: 'POST', body: '{}', signal, headers: { authorization: `Bearer ${API_KEY}`,
    'x-api-key': API_KEY, 'api-key': AZURE_KEY, 'x-goog-api-key': GOOGLE_KEY,
    'proxy-authorization': `Basic ${Buffer.from(`user:${URL_PASSWORD}`).toString('base64')}`, 'x-url-password': URL_PASSWORD, 'x-plain': PLAIN_KEY } });
};

describe('no credential reaches the client or a log line', () => {
  it.each(Object.keys(cases))('%s', async (name) => {
    current = cases[name];
    const logged: unknown[] = [];
    const consoleError = vi.spyOn(console, 'error').mockImplementation((...args) => void logged.push(args));
    const relay = createRelay({ store: memoryStore(), secrets: [PLAIN_KEY] });
    try {
      const response = await relay.handle(new Request('http://relay.test/api/chat', { method: 'POST', body: '{}',
        headers: { cookie: `session=${SESSION}`, authorization: `Token ${CLIENT_TOKEN}` } }), { upstream });
      const headers = JSON.stringify([...response.headers]);
      const body = await response.clone().text();
      const events = await eventsOf(response);
      expect(events.length).toBeGreaterThan(0);
      const last = JSON.parse(events[events.length - 1].data) as { error?: unknown; type?: string };
      expect(last.error ?? last.type).toBeDefined();
      for (const text of [headers, body, JSON.stringify(logged)]) {
        for (const secret of SECRETS) expect(text).not.toContain(secret);
        expect(text).not.toContain('10.1.2.3');
        expect(text).not.toContain('127.0.0.1');
        expect(text).not.toContain('<script');
      }
    } finally {
      consoleError.mockRestore();
      await relay.close();
    }
  });
});

describe('no credential reaches the client in any provider\'s in-band error shape (its code field included)', () => {
  it.each([
    ['Anthropic', '/v1/messages'],
    ['Gemini', '/v1beta/models/m:streamGenerateContent'],
    ['Ollama', '/api/chat'],
  ])('%s', async (_name, path) => {
    current = cases['a 401 JSON body'];
    upstreamPath = path;
    const relay = createRelay({ store: memoryStore(), secrets: [PLAIN_KEY] });
    try {
      const response = await relay.handle(new Request('http://relay.test/api/chat', { method: 'POST', body: '{}',
        headers: { cookie: `session=${SESSION}`, authorization: `Token ${CLIENT_TOKEN}` } }), { upstream });
      const body = await response.clone().text();
      const events = await eventsOf(response);
      const last = JSON.parse(events[events.length - 1].data) as { error?: unknown };
      expect(last.error).toBeDefined();
      // Ollama's line carries the failure's code: the upstream's own, which quoted the key, redacted.
      if (path === '/api/chat') expect(last).toMatchObject({ code: 'invalid_api_key [redacted]' });
      for (const secret of SECRETS) expect(body).not.toContain(secret);
      expect(body).not.toContain('127.0.0.1');
    } finally {
      upstreamPath = '/v1/chat/completions';
      await relay.close();
    }
  });
});

describe('onError', () => {
  it('receives store failures redacted: no URL credential or internal address reaches a log', async () => {
    const base = memoryStore();
    const failing = { ...base, create: async () => {
      throw new Error('connect failed to redis://admin:pa55word-secret@10.0.0.7:6379 (token=abc123secret)');
    } };
    const errors: unknown[] = [];
    const relay = createRelay({ store: failing, onError: (error) => errors.push(error) });
    try {
      const response = await relay.handle(new Request('http://relay.test/api/chat', { method: 'POST', body: '{}' }), {
        upstream: async () => new Response('data: [DONE]\n\n', { headers: { 'content-type': 'text/event-stream' } }),
      });
      expect(await eventsOf(response)).toHaveLength(1);
      expect(errors).toHaveLength(1);
      const text = `${String(errors[0])} ${(errors[0] as Error).stack ?? ''}`;
      for (const secret of ['pa55word-secret', '10.0.0.7', 'abc123secret']) expect(text).not.toContain(secret);
      expect(text).toContain('connect failed');
    } finally {
      await relay.close();
    }
  });
});
