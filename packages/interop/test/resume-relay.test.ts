import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChat, type ChatController, type ChatMessage, type ChatOptions } from '@tokenstream/core';
import { createMockStreamServer, mockAnswer } from '@tokenstream/mock-server';
import { createRelay, memoryStore, redisStore, type Relay, type RelayStore } from '@tokenstream/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '@tokenstream/test-utils';

// Resume through the real relay (@tokenstream/server), memory and Redis stores, as an app wires it (the README's
// recipe): POST /api/chat names the stream by the body's top-level `id` (dropped before the provider sees the body),
// GET/DELETE /api/chat/:id/stream join and cancel it, every call checked against the session's user (the owner).
// The provider is @tokenstream/mock-server, which counts the answers it generated.

type MockServer = Awaited<ReturnType<ReturnType<typeof createMockStreamServer>['listen']>>;
const SCENARIO = { length: 60, tokensPerSecond: 200 };

let provider: MockServer;
beforeAll(async () => {
  provider = await createMockStreamServer().listen(0);
});
afterAll(() => provider.close());

/** The app: three routes over one relay. The `x-user` header stands in for the session's user. */
function appHandler(relay: Relay): (request: Request) => Promise<Response> {
  const upstream = async (signal: AbortSignal, request: Request) =>
    fetch(`${provider.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: await request.text(),
      signal,
    });
  return async (request) => {
    const url = new URL(request.url);
    const owner = request.headers.get('x-user') ?? undefined;
    const stream = /^\/api\/chat\/([^/]+)\/stream$/.exec(url.pathname);
    if (stream) {
      const ref = { streamId: decodeURIComponent(stream[1]), owner };
      if (request.method === 'GET') return relay.join(request, ref);
      if (request.method === 'DELETE') return relay.cancel(request, ref);
    }
    if (url.pathname === '/api/chat' && request.method === 'POST') {
      const { id, ...body } = (await request.json()) as { id?: unknown };
      if (typeof id !== 'string') return Response.json({ error: 'the body names no chat id' }, { status: 400 });
      const forwarded = new Request(request.url, { method: 'POST', headers: request.headers, body: JSON.stringify(body) });
      return relay.handle(forwarded, { upstream, streamId: id, owner });
    }
    return Response.json({ error: 'not found' }, { status: 404 });
  };
}

/** Node http -> web Request/Response; a client that goes away cancels the response body (the relay sees it leave). */
async function serveApp(handler: (request: Request) => Promise<Response>): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'DELETE';
      const request = new Request(`http://127.0.0.1${req.url ?? '/'}`, {
        method: req.method,
        headers,
        ...(hasBody ? { body: Buffer.concat(chunks) } : {}),
      });
      const response = await handler(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (!response.body) return void res.end();
      const reader = response.body.getReader();
      res.once('close', () => void reader.cancel().catch(() => undefined));
      for (;;) {
        const { done, value } = await reader.read();
        if (done || res.destroyed) break;
        res.write(value);
      }
      res.end();
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function startRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}:\n${output}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** An OpenAI Chat body with the mock's scenario (the route drops nothing else). */
const bodyWith = (mock: object) => (messages: ChatMessage[]) => ({
  model: 'gpt-4o-mini',
  messages: messages.map((m) => ({ role: m.role, content: m.text })),
  stream: true,
  mock,
});
/** Long enough to be stopped halfway. */
const LONG = { prepareBody: bodyWith({ length: 2000, tokensPerSecond: 200 }) };

const answerText = (chat: ChatController) => {
  const last = chat.getSnapshot().messages.at(-1);
  return last?.role === 'assistant' ? last.text : '';
};

const stores: Array<[string, () => Promise<{ store: RelayStore; stop(): Promise<void> }>]> = [
  ['memory store', async () => ({ store: memoryStore(), stop: async () => undefined })],
  [
    'Redis store',
    async () => {
      const redis = await startRedis();
      return { store: redisStore({ url: redis.url }), stop: redis.stop };
    },
  ],
];

describe.each(stores)('createChat with resume through the relay (%s)', (_name, makeStore) => {
  let app: { url: string; close(): Promise<void> };
  let relay: Relay;
  let stopStore: () => Promise<void>;

  beforeAll(async () => {
    const { store, stop } = await makeStore();
    stopStore = stop;
    relay = createRelay({ store });
    app = await serveApp(appHandler(relay));
  });
  afterAll(async () => {
    await app?.close();
    await relay?.close();
    await stopStore?.();
  });

  const options = (id: string, extra: Partial<ChatOptions> = {}): ChatOptions => ({
    url: `${app.url}/api/chat`,
    provider: 'openai',
    throttle: 0,
    id,
    resume: true,
    headers: { 'x-user': 'alice' },
    prepareBody: bodyWith(SCENARIO),
    ...extra,
  });
  const expectedFor = (prompt: string) =>
    mockAnswer({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }], stream: true, mock: SCENARIO }).text;

  it('a reload mid-answer joins and continues to the exact final text: one generation in total', async () => {
    const before = provider.stats().generations;
    const first = createChat(options('relay-reload'));
    const sent = first.send('reload me');
    await waitUntil(() => answerText(first).length > 10, 'part of the answer', 8000);
    const saved = first.getSnapshot().messages;
    first.leave();
    await sent;

    const reloaded = createChat(options('relay-reload', { messages: saved }));
    reloaded.subscribe(() => undefined); // joins
    await waitUntil(() => reloaded.getSnapshot().status === 'done', 'the joined answer', 8000);
    expect(reloaded.getSnapshot().messages.map((m) => [m.id, m.text])).toEqual([
      [saved[0].id, 'reload me'],
      [saved[1].id, expectedFor('reload me')],
    ]);
    expect(provider.stats().generations).toBe(before + 1);
  });

  it('a second tab follows the same answer; a join after the end gets it whole', async () => {
    const tab1 = createChat(options('relay-tabs'));
    const sent = tab1.send('two tabs');
    await waitUntil(() => answerText(tab1).length > 5, 'the answer to start', 8000);
    const tab2 = createChat(options('relay-tabs'));
    const joined = tab2.join();
    await waitUntil(() => tab2.getSnapshot().status === 'streaming', 'the second tab to stream', 8000);
    const [one, two] = await Promise.all([sent, joined]);
    expect(one.messages.at(-1)?.text).toBe(expectedFor('two tabs'));
    expect(two.messages.at(-1)?.text).toBe(expectedFor('two tabs'));
    expect(two.status).toBe('done');
    const late = await createChat(options('relay-tabs')).join();
    expect(late.status).toBe('done');
    expect(late.messages.at(-1)?.text).toBe(expectedFor('two tabs'));
  });

  it('nothing running, or another user’s chat of the same id: 204, idle, no notification', async () => {
    const started = createChat(options('relay-owned'));
    await started.send('mine');
    const mallory = { headers: { 'x-user': 'mallory' } };
    for (const chat of [createChat(options('relay-nobody')), createChat(options('relay-owned', mallory))]) {
      let notifications = 0;
      chat.subscribe(() => notifications++);
      const snapshot = await chat.join();
      expect(snapshot.status).toBe('idle');
      expect(snapshot.messages).toEqual([]);
      expect(notifications).toBe(0);
    }
  });

  it('stop() cancels the upstream: the provider stops generating, the partial text stays', async () => {
    const chat = createChat(options('relay-stop', LONG));
    const sent = chat.send('stop me');
    await waitUntil(() => answerText(chat).length > 10, 'part of the answer', 8000);
    chat.stop();
    const partial = (await sent).messages.at(-1)!;
    expect(partial.status).toBe('aborted');
    // The DELETE goes out after stop() returns: give it up to 3 s to reach the provider (a loaded CI machine), then
    // the provider must be quiet — at 200 tokens/s, 200 ms without a byte means it stopped, 8 s before its end.
    let previous = -1;
    let logBytes = provider.stats().logBytes;
    for (const deadline = Date.now() + 3000; logBytes !== previous && Date.now() < deadline; ) {
      previous = logBytes;
      await new Promise((resolve) => setTimeout(resolve, 200));
      logBytes = provider.stats().logBytes;
    }
    expect(logBytes).toBe(previous);
    expect(partial.text.length).toBeGreaterThan(10);
  });

  it('stop() in one tab ends the answer in the others as stopped (aborted), their partial text kept', async () => {
    const tab1 = createChat(options('relay-stop-tabs', LONG));
    const sent = tab1.send('stop us');
    await waitUntil(() => answerText(tab1).length > 10, 'part of the answer', 8000);
    const tab2 = createChat(options('relay-stop-tabs'));
    const joined = tab2.join();
    await waitUntil(() => answerText(tab2).length > 10, 'the second tab to follow', 8000);
    tab2.stop();
    const [one, two] = await Promise.all([sent, joined]);
    for (const snapshot of [one, two]) {
      expect(snapshot.status).toBe('aborted');
      expect(snapshot.error).toBeNull();
      expect(snapshot.messages.at(-1)).toMatchObject({ role: 'assistant', status: 'aborted' });
    }
    expect(one.messages.at(-1)!.text.startsWith(two.messages.at(-1)!.text)).toBe(true);
  });

  it('leave() keeps the answer going on the relay: it finishes and can be joined', async () => {
    const chat = createChat(options('relay-leave'));
    const sent = chat.send('leave me');
    await waitUntil(() => answerText(chat).length > 5, 'part of the answer', 8000);
    chat.leave();
    await sent;
    await new Promise((resolve) => setTimeout(resolve, 400)); // the rest of the answer, at 200 tokens/s
    const joined = await createChat(options('relay-leave')).join();
    expect(joined.status).toBe('done');
    expect(joined.messages.at(-1)?.text).toBe(expectedFor('leave me'));
  });
});
