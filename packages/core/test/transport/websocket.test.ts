import { createMockStreamServer, mockAnswer, type RunningMockServer } from '@tokenstream/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { StreamError } from '../../src/errors';
import { runWebSocketAttempt, type WebSocketAttemptOptions } from '../../src/transport/websocket';
import type { RawEvent, WebSocketConstructorLike } from '../../src/types';

// Against the mock server's real /ws endpoint, with the `ws` package's WebSocket (Node 20 has none built in).

let server: RunningMockServer;
let wsBase: string;
beforeAll(async () => {
  server = await createMockStreamServer().listen(0);
  wsBase = server.url.replace(/^http/, 'ws');
});
afterAll(() => server.close());

const NodeWebSocket = WebSocket as unknown as WebSocketConstructorLike;

function attempt(overrides: Partial<WebSocketAttemptOptions> & { body: unknown }) {
  const events: RawEvent[] = [];
  let bytes = 0;
  const controller = new AbortController();
  const promise = runWebSocketAttempt({
    url: `${wsBase}/ws`,
    route: '/v1/chat/completions',
    lastEventId: '',
    WebSocket: NodeWebSocket,
    signal: controller.signal,
    onEvent: (e) => events.push(e),
    onBytes: (n) => (bytes += n),
    maxEventBytes: 1 << 20,
    ...overrides,
  });
  return { promise, events, controller, bytes: () => bytes };
}

async function rejection(promise: Promise<unknown>): Promise<StreamError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StreamError);
  return error as StreamError;
}

function chat(content: string, mock: Record<string, unknown> = {}) {
  return { model: 'gpt-4o-mini', messages: [{ role: 'user', content }], stream_options: { include_usage: true }, mock };
}

const textOf = (events: RawEvent[]) =>
  events
    .filter((e) => e.data !== '[DONE]')
    .map((e) => JSON.parse(e.data).choices[0]?.delta?.content ?? '')
    .join('');

describe('runWebSocketAttempt', () => {
  it('delivers every event in order with ids and resolves at the end', async () => {
    const body = chat('hello over ws', { length: 30 });
    const run = attempt({ body });
    await run.promise;
    const ids = run.events.map((e) => e.id);
    const streamId = ids[0].split(':')[0];
    expect(ids).toEqual(run.events.map((_, i) => `${streamId}:${i + 1}`));
    expect(run.events.every((e) => e.event === 'message')).toBe(true);
    expect(run.events.at(-1)!.data).toBe('[DONE]');
    expect(textOf(run.events)).toBe(mockAnswer(body).text);
    expect(run.bytes()).toBeGreaterThan(run.events.reduce((n, e) => n + e.data.length, 0));
  });

  it('keeps SSE event names, and takes the route from the URL path when none is given', async () => {
    const run = attempt({ url: `${wsBase}/v1/messages`, route: undefined, body: { messages: [{ role: 'user', content: 'x' }], mock: { length: 2 } } });
    await run.promise;
    expect(run.events.map((e) => e.event)).toEqual([
      'message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop',
    ]);
  });

  it('rejects kind network on a drop, and resuming with lastEventId gives exactly the rest', async () => {
    const body = chat('resume over ws', { length: 20, dropAfterEvents: 6, faultAttempts: 1, key: 'core-ws-resume' });
    const first = attempt({ body });
    const error = await rejection(first.promise);
    expect(error.kind).toBe('network');
    expect(first.events).toHaveLength(6);
    const rest = attempt({ body, lastEventId: first.events[5].id });
    await rest.promise;
    const streamId = first.events[0].id.split(':')[0];
    expect(rest.events[0].id).toBe(`${streamId}:7`);
    const all = [...first.events, ...rest.events];
    expect(all.map((e) => e.id)).toEqual(all.map((_, i) => `${streamId}:${i + 1}`));
    expect(textOf(all)).toBe(mockAnswer(body).text);
  });

  it('abort closes the socket, removes the listeners and rejects kind aborted', async () => {
    const run = attempt({ body: chat('slow', { length: 200, tokensPerSecond: 50 }) });
    await expect.poll(() => run.events.length).toBeGreaterThan(1);
    run.controller.abort();
    const error = await rejection(run.promise);
    expect(error.kind).toBe('aborted');
    const seen = run.events.length;
    await expect.poll(() => server.stats().connections.length).toBe(0);
    expect(run.events.length).toBe(seen);
  });

  it('rejects at once for an already aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(attempt({ body: chat('x'), signal: controller.signal }).promise);
    expect(error.kind).toBe('aborted');
  });

  it('abort while still connecting leaves no unhandled error', async () => {
    const run = attempt({ body: chat('x') });
    run.controller.abort();
    expect((await rejection(run.promise)).kind).toBe('aborted');
  });

  it('turns a server error message into kind http with status, retryAfterMs and body', async () => {
    const error = await rejection(attempt({ body: chat('x', { status: 429, retryAfter: 1 }) }).promise);
    expect(error).toMatchObject({ kind: 'http', status: 429, retryAfterMs: 1000 });
    expect(JSON.parse(error.body!).error.code).toBe('rate_limit_exceeded');
  });

  it('rejects kind overflow for a message larger than maxEventBytes, keeping earlier events', async () => {
    // Ollama's last line (done:true with counts) is larger than its token lines: allow exactly the first size.
    const body = { messages: [{ role: 'user', content: 'x' }], mock: { length: 5 } };
    const sizes: number[] = [];
    await attempt({ route: '/api/chat', body, onBytes: (n) => sizes.push(n) }).promise;
    expect(Math.max(...sizes)).toBeGreaterThan(sizes[0]);
    const run = attempt({ route: '/api/chat', body, maxEventBytes: sizes[0] });
    const error = await rejection(run.promise);
    expect(error.kind).toBe('overflow');
    expect(run.events.length).toBe(sizes.findIndex((n) => n > sizes[0]));
  });

  it('rejects kind network when nothing listens', async () => {
    const closed = await createMockStreamServer().listen(0);
    const url = closed.url.replace(/^http/, 'ws');
    await closed.close();
    const error = await rejection(attempt({ url: `${url}/ws`, body: chat('x') }).promise);
    expect(error.kind).toBe('network');
  });

  it('an error thrown by onEvent ends the attempt with that error', async () => {
    const thrown = new StreamError('parse', 'bad event');
    const error = await rejection(attempt({ body: chat('x'), onEvent: () => { throw thrown; } }).promise);
    expect(error).toBe(thrown);
  });
});
