import { describe, expect, it } from 'vitest';
import { createMockStreamServer } from '../src/index';
import { chatBody, json, parseSse, rawRequest, useMockServer, type ParsedEvent } from './helpers';

const ctx = useMockServer();
const url = () => ctx.server.url;
let keyCounter = 0;
const uniqueKey = () => `resume-test-${++keyCounter}`;
const dataOf = (events: ParsedEvent[]) => events.map((e) => e.data);

describe('Last-Event-ID resume', () => {
  it('continues after the id with exactly the remaining events (same ids), fault on the first attempt only', async () => {
    const body = chatBody('resume me', { length: 25, dropAfterEvents: 5, faultAttempts: 1, key: uniqueKey() });
    const first = await rawRequest(url(), '/v1/chat/completions', { body });
    expect(first.complete).toBe(false);
    const head = parseSse(first.text);
    expect(head).toHaveLength(5);
    const streamId = first.headers['x-mock-stream-id'];
    expect(head[4].id).toBe(`${streamId}:5`);

    const second = await rawRequest(url(), '/v1/chat/completions', { body, headers: { 'last-event-id': head[4].id! } });
    expect(second.status).toBe(200);
    expect(second.complete).toBe(true);
    const tail = parseSse(second.text);
    expect(tail[0].id).toBe(`${streamId}:6`);
    const all = [...head, ...tail];
    expect(all.map((e) => e.id)).toEqual(all.map((_, i) => `${streamId}:${i + 1}`));
    const reference = parseSse((await rawRequest(url(), '/v1/chat/completions', { body: { ...body, mock: { length: 25 } } })).text);
    const mask = (d: string) => d.replace(/chatcmpl-[0-9a-f]+/, 'chatcmpl-X').replace(/"created":\d+/, '');
    expect(dataOf(all).map(mask)).toEqual(dataOf(reference).map(mask));
  });

  it('a resumed request follows a generation that is still running', async () => {
    const body = chatBody('live', { length: 12, tokensPerSecond: 200, dropAfterEvents: 2, faultAttempts: 1, key: uniqueKey() });
    const first = await rawRequest(url(), '/v1/chat/completions', { body });
    const head = parseSse(first.text);
    const second = await rawRequest(url(), '/v1/chat/completions', { body, headers: { 'last-event-id': head[1].id! } });
    const tail = parseSse(second.text);
    expect(head.length + tail.length).toBe(12 + 3);
    expect(tail.at(-1)!.data).toBe('[DONE]');
  });

  it('resume: "replay" sends the stream again from its first event, with the same ids', async () => {
    const body = { messages: [{ role: 'user', content: 'replay' }], mock: { length: 6, dropAfterEvents: 4, faultAttempts: 1, resume: 'replay', key: uniqueKey() } };
    const head = parseSse((await rawRequest(url(), '/v1/messages', { body })).text);
    const again = parseSse((await rawRequest(url(), '/v1/messages', { body, headers: { 'last-event-id': head[3].id! } })).text);
    expect(again.slice(0, 4)).toEqual(head);
    expect(again.at(-1)!.event).toBe('message_stop');
  });

  it('resume: "restart" ignores Last-Event-ID and generates a new stream', async () => {
    const body = chatBody('restart', { length: 3, dropAfterEvents: 2, faultAttempts: 1, resume: 'restart', key: uniqueKey() });
    const first = await rawRequest(url(), '/v1/chat/completions', { body });
    const head = parseSse(first.text);
    const again = await rawRequest(url(), '/v1/chat/completions', { body, headers: { 'last-event-id': head[1].id! } });
    expect(again.headers['x-mock-stream-id']).not.toBe(first.headers['x-mock-stream-id']);
    expect(parseSse(again.text)[0].id).toBe(`${again.headers['x-mock-stream-id']}:1`);
  });

  it('an unknown Last-Event-ID answers 404 in the provider error shape', async () => {
    const res = await rawRequest(url(), '/v1/messages', { body: { messages: [] }, headers: { 'last-event-id': 'nope:3' } });
    expect(res.status).toBe(404);
    expect(json<any>(res.text).error.message).toContain('unknown or expired');
  });

  it('ids: false sends no id lines (a provider without ids)', async () => {
    const res = await rawRequest(url(), '/v1/chat/completions', { body: chatBody('x', { length: 3, ids: false }) });
    expect(res.text).not.toMatch(/^id:/m);
  });

  it('faultAttempts counts attempts per stream key', async () => {
    const body = chatBody('flaky', { length: 2, status: 503, faultAttempts: 2, key: uniqueKey() });
    expect((await rawRequest(url(), '/v1/chat/completions', { body })).status).toBe(503);
    expect((await rawRequest(url(), '/v1/chat/completions', { body })).status).toBe(503);
    expect((await rawRequest(url(), '/v1/chat/completions', { body })).status).toBe(200);
  });
});

describe('GET /streams/:id', () => {
  it('rejoins a running stream from the start while the first reader is still reading', async () => {
    const body = chatBody('rejoin', { length: 10, tokensPerSecond: 100 });
    let rejoined: Promise<Awaited<ReturnType<typeof rawRequest>>> | null = null;
    const first = await rawRequest(url(), '/v1/chat/completions', {
      body,
      onData: (chunk) => {
        if (rejoined) return;
        const id = /^id: ([0-9a-f]+):/m.exec(chunk.toString())![1];
        rejoined = rawRequest(url(), `/streams/${id}`);
      },
    });
    const second = await rejoined!;
    expect(second.status).toBe(200);
    expect(second.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(parseSse(second.text)).toEqual(parseSse(first.text));
  });

  it('continues after Last-Event-ID, and 404s an unknown stream', async () => {
    const res = await rawRequest(url(), '/v1/responses', { body: { input: 'x', mock: { length: 3 } } });
    const events = parseSse(res.text);
    const rest = await rawRequest(url(), `/streams/${res.headers['x-mock-stream-id']}`, { headers: { 'last-event-id': events[4].id! } });
    expect(parseSse(rest.text)).toEqual(events.slice(5));
    const viaQuery = await rawRequest(url(), `/streams/${res.headers['x-mock-stream-id']}?lastEventId=${encodeURIComponent(events[8].id!)}`);
    expect(parseSse(viaQuery.text)).toEqual(events.slice(9));
    expect((await rawRequest(url(), '/streams/unknown')).status).toBe(404);
  });
});

describe('resume log bounds', () => {
  it('drops the oldest events beyond maxLogBytes and forgets idle streams after ttlMs', async () => {
    const server = await createMockStreamServer({ limits: { maxLogBytes: 2000, ttlMs: 40 } }).listen();
    try {
      const res = await rawRequest(server.url, '/v1/chat/completions', { body: chatBody('bounded', { length: 60 }) });
      const events = parseSse(res.text);
      expect(server.stats().logBytes).toBeLessThanOrEqual(2000);
      const evicted = await rawRequest(server.url, '/v1/chat/completions', { body: chatBody('bounded'), headers: { 'last-event-id': events[0].id! } });
      expect(evicted.status).toBe(404);
      const late = await rawRequest(server.url, '/v1/chat/completions', { body: chatBody('bounded'), headers: { 'last-event-id': events.at(-3)!.id! } });
      expect(parseSse(late.text)).toEqual(events.slice(-2));
      await new Promise((r) => setTimeout(r, 60)); // let the TTL pass: time itself is what is tested
      const expired = await rawRequest(server.url, '/v1/chat/completions', { body: chatBody('bounded'), headers: { 'last-event-id': events.at(-3)!.id! } });
      expect(expired.status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
