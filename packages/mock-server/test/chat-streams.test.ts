// GET/DELETE {route}/{chatId}/stream: an app's chat id names its stream (issue 14), over HTTP and in process.
import { describe, expect, it, vi } from 'vitest';
import { createMockFetch, mockAnswer } from '../src/index';
import { json, parseSse, rawRequest, useMockServer } from './helpers';

const ctx = useMockServer();
const origin = 'http://app.test';

type Chunk = { type: string; delta?: string };
const textOf = (sse: string) =>
  parseSse(sse)
    .filter((e) => e.data !== '[DONE]')
    .map((e) => json<Chunk>(e.data))
    .filter((c) => c.type === 'text-delta')
    .map((c) => c.delta)
    .join('');

function aiSdkBody(chatId: string, prompt: string, mock: Record<string, unknown> = {}) {
  return { id: chatId, messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: prompt }] }], trigger: 'submit-message', mock };
}

describe('chat streams over HTTP', () => {
  it('a join replays the chat’s stream from its first event and follows it live: one generation in total', async () => {
    const before = ctx.server.stats().generations;
    const body = aiSdkBody('chat-live', 'reload me', { length: 30, tokensPerSecond: 300 });
    const post = rawRequest(ctx.server.url, '/ai-sdk/chat', { body });
    await vi.waitFor(() => expect(ctx.server.stats().generations).toBe(before + 1));
    const joined = await rawRequest(ctx.server.url, '/ai-sdk/chat/chat-live/stream');
    const original = await post;
    expect(joined.status).toBe(200);
    expect(joined.headers['x-vercel-ai-ui-message-stream']).toBe('v1');
    expect(textOf(joined.text)).toBe(mockAnswer(body).text);
    expect(parseSse(joined.text).map((e) => e.id)).toEqual(parseSse(original.text).map((e) => e.id));
    expect(ctx.server.stats().generations).toBe(before + 1);
  });

  it('a chat with no stream answers 204; a finished stream replays in full', async () => {
    expect((await rawRequest(ctx.server.url, '/ai-sdk/chat/nobody/stream')).status).toBe(204);
    const body = aiSdkBody('chat-done', 'finished', { length: 12 });
    await rawRequest(ctx.server.url, '/ai-sdk/chat', { body });
    const joined = await rawRequest(ctx.server.url, '/ai-sdk/chat/chat-done/stream');
    expect(joined.status).toBe(200);
    expect(textOf(joined.text)).toBe(mockAnswer(body).text);
    expect(parseSse(joined.text).at(-1)!.data).toBe('[DONE]');
  });

  it('the answer goes on being generated when its reader leaves, and can be joined', async () => {
    const body = aiSdkBody('chat-left', 'leave', { length: 40, tokensPerSecond: 400, dropAfterEvents: 3 });
    const left = await rawRequest(ctx.server.url, '/ai-sdk/chat', { body });
    expect(left.complete).toBe(false);
    const joined = await rawRequest(ctx.server.url, '/ai-sdk/chat/chat-left/stream');
    expect(textOf(joined.text)).toBe(mockAnswer(body).text);
  });

  it('DELETE stops generating: no further tokens, followers get the end, 204', async () => {
    const body = aiSdkBody('chat-stop', 'stop me', { length: 1000, tokensPerSecond: 100 });
    const follower = rawRequest(ctx.server.url, '/ai-sdk/chat', { body });
    await vi.waitFor(() => expect(ctx.server.stats().connections.some((c) => c.route === '/ai-sdk/chat' && c.eventsWritten > 4)).toBe(true));
    const stop = await rawRequest(ctx.server.url, '/ai-sdk/chat/chat-stop/stream', { method: 'DELETE' });
    expect(stop.status).toBe(204);
    const res = await follower;
    expect(res.complete).toBe(true);
    const received = textOf(res.text);
    expect(received.length).toBeGreaterThan(0);
    expect(mockAnswer(body).text.startsWith(received)).toBe(true);
    const logBytes = ctx.server.stats().logBytes;
    await new Promise((r) => setTimeout(r, 60)); // six token intervals: nothing more is produced
    expect(ctx.server.stats().logBytes).toBe(logBytes);
    const joined = await rawRequest(ctx.server.url, '/ai-sdk/chat/chat-stop/stream');
    expect(textOf(joined.text)).toBe(received);
  });

  it('a new POST with the same id replaces the earlier stream', async () => {
    await rawRequest(ctx.server.url, '/json/chat', { body: { id: 'chat-again', messages: [{ role: 'user', content: 'first' }], mock: { length: 5 } } });
    const second = { id: 'chat-again', messages: [{ role: 'user', content: 'second' }], mock: { length: 5 } };
    const post = await rawRequest(ctx.server.url, '/json/chat', { body: second });
    const joined = await rawRequest(ctx.server.url, '/json/chat/chat-again/stream');
    expect(joined.headers['x-mock-stream-id']).toBe(post.headers['x-mock-stream-id']);
    const content = parseSse(joined.text).filter((e) => e.data !== '[DONE]').map((e) => json<{ content: string }>(e.data).content).join('');
    expect(content).toBe(mockAnswer(second).text);
  });

  it('works on every route, provider routes included; other methods get 405', async () => {
    const body = { id: 'chat-openai', messages: [{ role: 'user', content: 'hi' }], mock: { length: 3 } };
    await rawRequest(ctx.server.url, '/v1/chat/completions', { body });
    const joined = await rawRequest(ctx.server.url, '/v1/chat/completions/chat-openai/stream');
    expect(parseSse(joined.text).at(-1)!.data).toBe('[DONE]');
    expect((await rawRequest(ctx.server.url, '/v1/chat/completions/chat-openai/stream', { method: 'PUT', body: '{}' })).status).toBe(405);
  });

  it('keeps chats per route: the same id on another route is another chat', async () => {
    await rawRequest(ctx.server.url, '/api/chat', { body: { id: 'chat-routes', messages: [{ role: 'user', content: 'hi' }], mock: { length: 3 } } });
    expect((await rawRequest(ctx.server.url, '/api/chat/chat-routes/stream')).status).toBe(200);
    expect((await rawRequest(ctx.server.url, '/text/chat-routes/stream')).status).toBe(204);
  });
});

describe('chat streams in process (createMockFetch)', () => {
  it('join, stop and the generations count', async () => {
    const mockFetch = createMockFetch();
    const body = aiSdkBody('tab-1', 'two tabs', { length: 20, tokensPerSecond: 1000 });
    const first = await mockFetch(`${origin}/ai-sdk/chat`, { method: 'POST', body: JSON.stringify(body) });
    const second = await mockFetch(`${origin}/ai-sdk/chat/tab-1/stream`);
    const [a, b] = await Promise.all([first.text(), second.text()]);
    expect(textOf(a)).toBe(mockAnswer(body).text);
    expect(b).toBe(a);
    expect(mockFetch.stats().generations).toBe(1);
    expect((await mockFetch(`${origin}/ai-sdk/chat/tab-1/stream`, { method: 'DELETE' })).status).toBe(204);
    expect((await mockFetch(`${origin}/ai-sdk/chat/none/stream`)).status).toBe(204);
    mockFetch.close();
  });
});
