import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRelay, memoryStore, type Relay, type Upstream } from '../src/index';
import { fetchUpstream, serveRelay, type Running } from './support/http';
import { openAiText, openSse } from './support/sse-client';
import { startUpstream, type UpstreamServer } from './support/upstream-server';

let upstream: UpstreamServer;
let relay: Relay;
let server: Running;

beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(async () => {
  await upstream.close();
});
afterEach(async () => {
  await relay?.close();
  await server?.close();
  upstream.calls.length = 0;
});

async function startRelay(call: Upstream = fetchUpstream(upstream.url)) {
  relay = createRelay({ store: memoryStore() });
  server = await serveRelay(relay, call);
}

async function allEvents(init: RequestInit = {}) {
  const client = await openSse(server.url, init);
  expect(client.response.status).toBe(200);
  return client.rest();
}

describe('upstream failures become the provider\'s in-band error event', () => {
  it('429 with an OpenAI error body keeps its message, type and code, and never the key', async () => {
    upstream.set({ status: 429, errorBody: JSON.stringify({ error: {
      message: 'Rate limit reached for gpt-test (key sk-test-0123456789abcdef).', type: 'requests', param: null,
      code: 'rate_limit_exceeded' } }) });
    await startRelay();
    const events = await allEvents();
    expect(events).toHaveLength(1);
    expect(events[0].event).toBe('');
    const { error } = JSON.parse(events[0].data) as { error: Record<string, unknown> };
    expect(error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' });
    expect(error.message).toContain('Upstream HTTP 429: Rate limit reached');
    expect(events[0].data).not.toContain('sk-test-0123456789abcdef');
  });

  it('500 with an HTML page gets a synthesized OpenAI error naming the page by its title, without its markup', async () => {
    upstream.set({ status: 500, errorBody: `<!DOCTYPE html><html><head><title>Internal Server Error</title>
      <script>steal(document.cookie)</script></head><body>${'<p>trace</p>'.repeat(400)}</body></html>` });
    await startRelay();
    const [event] = await allEvents();
    expect(JSON.parse(event.data)).toEqual({ error: { message: 'Upstream HTTP 500: HTML page "Internal Server Error"',
      type: 'server_error', param: null, code: 'http_500' } });
  });

  it('500 with a plain text body keeps the text', async () => {
    upstream.set({ status: 500, errorBody: 'upstream exploded' });
    await startRelay();
    const [event] = await allEvents();
    expect(JSON.parse(event.data)).toMatchObject({ error: { message: 'Upstream HTTP 500: upstream exploded' } });
  });

  it('an Anthropic error body (529 overloaded) becomes Anthropic\'s `event: error`', async () => {
    upstream.set({ status: 529, errorBody: JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }) });
    await startRelay();
    const [event] = await allEvents();
    expect(event.event).toBe('error');
    expect(JSON.parse(event.data)).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Upstream HTTP 529: Overloaded' } });
  });

  it('an HTML 502 from an Anthropic endpoint still gets Anthropic\'s error shape (from the URL)', async () => {
    const gateway = `${new URL(upstream.url).origin}/v1/messages`;
    upstream.set({ status: 502, errorBody: '<html>Bad Gateway</html>' });
    await startRelay(fetchUpstream(gateway));
    const [event] = await allEvents();
    expect(event.event).toBe('error');
    expect(JSON.parse(event.data)).toEqual({ type: 'error', error: { type: 'api_error',
      message: 'Upstream HTTP 502: HTML page' } });
  });

  it('a mid-stream upstream drop keeps what arrived and ends with an in-band error', async () => {
    upstream.set({ tokens: ['a', 'b', 'c', 'd', 'e'], dropAfter: 3 });
    await startRelay();
    const events = await allEvents();
    const last = events[events.length - 1];
    expect(openAiText(events.slice(0, -1))).toBe('abc');
    expect(JSON.parse(last.data)).toMatchObject({ error: { code: 'upstream_dropped', type: 'api_error' } });
    expect(upstream.calls).toHaveLength(1);
  });

  it('a mid-stream drop of an Anthropic stream ends with `event: error`', async () => {
    upstream.set({ format: 'anthropic', tokens: ['x', 'y', 'z'], dropAfter: 2 });
    await startRelay();
    const events = await allEvents();
    expect(events.map((e) => e.event)).toEqual(['message_start', 'content_block_start', 'content_block_delta',
      'content_block_delta', 'error']);
    expect(JSON.parse(events[4].data)).toMatchObject({ type: 'error', error: { type: 'api_error' } });
  });

  it('a network failure before any response becomes an error event', async () => {
    await startRelay(async (signal) => fetch('http://127.0.0.1:1/unreachable', { signal }));
    const [event] = await allEvents();
    expect(JSON.parse(event.data)).toMatchObject({ error: { code: 'upstream_network_error' } });
  });

  it('a 200 that is not a stream (an HTML page) is an error, not an empty answer', async () => {
    await startRelay(async () => new Response('<html>login</html>', { headers: { 'content-type': 'text/html' } }));
    const [event] = await allEvents();
    expect(JSON.parse(event.data)).toMatchObject({ error: { code: 'upstream_not_a_stream' } });
  });

  it('an upstream still running at ttlMs is aborted and reported in-band', async () => {
    upstream.set({ tokens: ['a', 'b', 'c'], holdAfter: 1 });
    relay = createRelay({ store: memoryStore(), ttlMs: 150 });
    server = await serveRelay(relay, fetchUpstream(upstream.url));
    const events = await allEvents();
    // 'a' normally; '' if a loaded machine took longer than the TTL to get the first token. Never more.
    expect(['', 'a']).toContain(openAiText(events.slice(0, -1)));
    expect(JSON.parse(events[events.length - 1].data)).toMatchObject({ error: { code: 'relay_ttl_exceeded' } });
    expect(await upstream.calls[0].outcome).toBe('aborted-by-client');
  });

  it('an OpenAI stream that ends cleanly without [DONE] is reported as a drop', async () => {
    await startRelay(async () => new Response(
      'data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"hi"}}]}\n\n',
      { headers: { 'content-type': 'text/event-stream' } }));
    const events = await allEvents();
    expect(events).toHaveLength(2);
    expect(JSON.parse(events[1].data)).toMatchObject({ error: { code: 'upstream_dropped' } });
  });
});

describe('upstream formats', () => {
  it('NDJSON (Ollama): every line becomes one event\'s data, unchanged', async () => {
    upstream.set({ format: 'ollama', tokens: ['Hel', 'lo'] });
    await startRelay();
    const events = await allEvents();
    expect(events).toHaveLength(3);
    expect(events.map((e) => JSON.parse(e.data).message.content)).toEqual(['Hel', 'lo', '']);
    expect(JSON.parse(events[2].data)).toMatchObject({ done: true, done_reason: 'stop' });
    expect(events.every((e) => e.event === '')).toBe(true);
  });

  it('text/plain: every chunk becomes one event; line breaks survive as multi-line data', async () => {
    upstream.set({ format: 'text', tokens: ['one ', 'two\nthree'] });
    await startRelay();
    const events = await allEvents();
    expect(events.map((e) => e.data).join('')).toBe('one two\nthree');
  });

  it('a UTF-8 byte order mark at the start of the body is not part of the first field', async () => {
    const chunk = '{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"hi"}}]}';
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(`data: ${chunk}\n\ndata: [DONE]\n\n`)]);
    await startRelay(async () => new Response(bytes, { headers: { 'content-type': 'text/event-stream' } }));
    expect((await allEvents()).map((e) => e.data)).toEqual([chunk, '[DONE]']);
  });

  it('an SSE stream of no protocol core reads is one in-band error, not an answer the client cannot read', async () => {
    // (Plain-text SSE data is readable — the json protocol shows it as text — so the foreign shape here is JSON.)
    await startRelay(async () => new Response('data: {"hello":"world"}\n\ndata: {"hello":"again"}\n\n',
      { headers: { 'content-type': 'text/event-stream' } }));
    const events = await allEvents();
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0].data)).toMatchObject({ error: { code: 'unrecognised_stream' } });
  });

  it('a 200 with an empty body is an in-band error (the client does not pay for a repeat) after one upstream call', async () => {
    let calls = 0;
    await startRelay(async () => {
      calls++;
      return new Response('', { headers: { 'content-type': 'text/event-stream' } });
    });
    const events = await allEvents();
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0].data)).toMatchObject({ error: { code: 'upstream_empty' } });
    expect(calls).toBe(1);
  });

  it('SSE event names, [DONE] and multi-line data pass through; upstream ids and comments do not', async () => {
    const multiLine = '{"type":"message_start",\n"message":{"id":"m","role":"assistant","content":[]}}';
    await startRelay(async () => new Response(
      `: upstream comment\nid: up-1\nevent: message_start\ndata: ${multiLine.replace('\n', '\ndata: ')}\n\nretry: 10\n`
      + 'event: message_stop\ndata: {"type":"message_stop"}\n\n',
      { headers: { 'content-type': 'text/event-stream' } }));
    const events = await allEvents();
    expect(events.map(({ event, data }) => ({ event, data }))).toEqual([
      { event: 'message_start', data: multiLine },
      { event: 'message_stop', data: '{"type":"message_stop"}' },
    ]);
    expect(events.every((e) => /^[A-Za-z0-9_-]+:\d+$/.test(e.id))).toBe(true);
  });
});
