import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { mockAnswer } from '../src/index';
import { chatBody, json, parseSse, rawRequest, useMockServer } from './helpers';

const ctx = useMockServer();
const wsUrl = (query = '', path = '/ws') => `${ctx.server.url.replace(/^http/, 'ws')}${path}${query}`;

interface WsMessage {
  type: string;
  event?: string;
  data?: string;
  id?: string;
  status?: number;
  message?: string;
  retryAfterMs?: number;
}

/** Opens a socket, sends `start`, collects messages until the socket closes. */
function runWs(start: object | string, query = '', path = '/ws'): Promise<{ messages: WsMessage[]; code: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(query, path));
    const messages: WsMessage[] = [];
    ws.on('open', () => ws.send(typeof start === 'string' ? start : JSON.stringify(start)));
    ws.on('message', (data) => messages.push(JSON.parse(String(data)) as WsMessage));
    ws.on('close', (code) => resolve({ messages, code }));
    ws.on('error', reject);
  });
}

describe('/ws protocol', () => {
  it('sends the same events as SSE as {type:"event"} messages in order, then {type:"end"} and a normal close', async () => {
    const body = chatBody('over websocket', { length: 8 }, { stream_options: { include_usage: true } });
    const { messages, code } = await runWs({ type: 'start', route: '/v1/chat/completions', body });
    expect(code).toBe(1000);
    expect(messages.at(-1)).toEqual({ type: 'end' });
    const events = messages.slice(0, -1);
    expect(events.every((m) => m.type === 'event' && m.event === 'message')).toBe(true);
    const streamId = events[0].id!.split(':')[0];
    expect(events.map((m) => m.id)).toEqual(events.map((_, i) => `${streamId}:${i + 1}`));
    expect(events.at(-1)!.data).toBe('[DONE]');
    const text = events.slice(1, -3).map((m) => json<any>(m.data!).choices[0].delta.content).join('');
    expect(text).toBe(mockAnswer(body).text);
    const http = parseSse((await rawRequest(ctx.server.url, '/v1/chat/completions', { body })).text);
    expect(events.length).toBe(http.length);
  });

  it('keeps SSE event names (Anthropic) and carries NDJSON lines as data (Ollama)', async () => {
    const anthropic = await runWs({ type: 'start', route: '/v1/messages', body: { messages: [], mock: { length: 2 } } });
    expect(anthropic.messages.map((m) => m.event ?? m.type)).toEqual([
      'message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop', 'end',
    ]);
    const ollama = await runWs({ type: 'start', route: '/api/chat', body: { messages: [], mock: { length: 2 } } });
    expect(json<any>(ollama.messages.at(-2)!.data!).done).toBe(true);
  });

  it('resumes after lastEventId with exactly the rest', async () => {
    const body = chatBody('ws resume', { length: 10, dropAfterEvents: 4, faultAttempts: 1, key: 'ws-resume' });
    const first = await runWs({ type: 'start', route: '/v1/chat/completions', body });
    expect(first.code).toBe(1006);
    expect(first.messages).toHaveLength(4);
    const rest = await runWs({ type: 'start', route: '/v1/chat/completions', body, lastEventId: first.messages[3].id });
    const streamId = first.messages[0].id!.split(':')[0];
    expect(rest.messages[0].id).toBe(`${streamId}:5`);
    expect(rest.messages.at(-1)).toEqual({ type: 'end' });
    expect(first.messages.length + rest.messages.length - 1).toBe(10 + 3);
  });

  it('turns a status fault into {type:"error"} and rejects a bad start message', async () => {
    const fault = await runWs({ type: 'start', route: '/v1/chat/completions', body: chatBody('x', { status: 429, retryAfter: 3 }) });
    expect(fault.messages).toEqual([{ type: 'error', status: 429, message: expect.any(String), body: expect.any(String), retryAfterMs: 3000 }]);
    const bad = await runWs('not json');
    expect(bad.messages[0]).toMatchObject({ type: 'error', status: 400 });
    const noRoute = await runWs({ type: 'start', route: '/nowhere', body: {} });
    expect(noRoute.messages[0]).toMatchObject({ type: 'error', status: 400, message: expect.stringContaining('/nowhere') });
  });

  it('takes scenario options from the ws URL query, sends heartbeats, and rejoins /streams/:id', async () => {
    const run = await runWs({ type: 'start', route: '/text', body: { prompt: 'q' } }, '?length=2&heartbeatMs=10&firstTokenDelayMs=80');
    expect(run.messages.some((m) => m.type === 'heartbeat')).toBe(true);
    const events = run.messages.filter((m) => m.type === 'event');
    expect(events.map((m) => m.data).join('')).toBe(mockAnswer({ prompt: 'q' }, { length: 2 }).text);
    const streamId = events[0].id!.split(':')[0];
    const rejoin = await runWs({ type: 'start', route: `/streams/${streamId}`, lastEventId: events[0].id });
    expect(rejoin.messages.filter((m) => m.type === 'event')).toEqual(events.slice(1));
  });

  it('dropAfterBytes terminates the socket before the message that would cross the limit', async () => {
    const { messages, code } = await runWs({ type: 'start', route: '/text', body: { prompt: 'q', mock: { dropAfterBytes: 150 } } });
    expect(code).toBe(1006);
    const size = messages.reduce((n, m) => n + Buffer.byteLength(JSON.stringify(m)), 0);
    expect(size).toBeLessThanOrEqual(150);
    expect(messages.length).toBeGreaterThan(0);
  });

  it('accepts the upgrade on a route’s own path, where the start message may omit the route', async () => {
    const { messages } = await runWs({ type: 'start', body: { prompt: 'own path', mock: { length: 3 } } }, '', '/text');
    expect(messages.filter((m) => m.type === 'event').map((m) => m.data).join('')).toBe(mockAnswer({ prompt: 'own path' }, { length: 3 }).text);
    const noRoute = await runWs({ type: 'start', body: {} });
    expect(noRoute.messages[0]).toMatchObject({ type: 'error', status: 400 });
    const refused = await new Promise<string>((resolve) => {
      const ws = new WebSocket(wsUrl('', '/not-a-route'));
      ws.on('error', (e) => resolve(e.message));
    });
    expect(refused).toMatch(/socket hang up|Unexpected server response/);
  });
});
