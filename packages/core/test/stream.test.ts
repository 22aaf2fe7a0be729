import { afterEach, describe, expect, it, vi } from 'vitest';
import { StreamError } from '../src/errors';
import { createStream } from '../src/stream';
import type { RawEvent } from '../src/types';
import { bytes, chunkEvery, openAIChatStream, scriptedFetch, streamResponse } from '@tokenstream/test-utils';

const words = ['Hel', 'lo', ', ', 'wör', 'ld', ' 👋'];
const fullText = words.join('');

afterEach(() => {
  vi.useRealTimers();
});

describe('createStream: a complete OpenAI stream', () => {
  it('accumulates text, model, id, finish reason, metrics', async () => {
    const { fetch, requests } = scriptedFetch((r) => streamResponse({ chunks: chunkEvery(bytes(openAIChatStream(words)), 7) }, { signal: r.signal }));
    const stream = createStream({ url: 'http://test/v1/chat/completions', body: { model: 'm', stream: true }, fetch, provider: 'openai' });
    const snapshot = await stream.start();
    expect(snapshot).toMatchObject({ status: 'done', text: fullText, finishReason: 'stop', model: 'gpt-test', id: 'chatcmpl-1', error: null });
    expect(snapshot.metrics.deltas).toBe(words.length);
    expect(snapshot.metrics.bytes).toBe(bytes(openAIChatStream(words)).length);
    expect(snapshot.metrics.reconnects).toBe(0);
    expect(snapshot.metrics.ttftMs).not.toBeNull();
    expect(stream.getSnapshot()).toBe(snapshot);
    expect(requests[0]).toMatchObject({ method: 'POST', body: '{"model":"m","stream":true}' });
    expect(requests[0]!.headers['content-type']).toBe('application/json');
    expect(requests[0]!.headers.accept).toContain('text/event-stream');
  });

  it('defaults to GET without a body and sends strings as they are', async () => {
    const { fetch, requests } = scriptedFetch((r) => streamResponse({ chunks: [bytes(openAIChatStream(['x']))] }, { signal: r.signal }));
    await createStream({ url: 'http://test/a', fetch }).start();
    await createStream({ url: 'http://test/b', fetch, body: 'raw', headers: { 'Content-Type': 'text/plain' } }).start();
    expect(requests[0]!.method).toBe('GET');
    expect(requests[1]).toMatchObject({ method: 'POST', body: 'raw' });
    expect(requests[1]!.headers['content-type']).toBe('text/plain');
  });

  it('getSnapshot keeps its identity until something changes', async () => {
    const { fetch } = scriptedFetch((r) => streamResponse({ chunks: [bytes(openAIChatStream(words))] }, { signal: r.signal }));
    const stream = createStream({ url: 'http://test', fetch, throttle: 0 });
    const idle = stream.getSnapshot();
    expect(stream.getSnapshot()).toBe(idle);
    const seen = new Set<unknown>();
    stream.subscribe(() => seen.add(stream.getSnapshot()));
    const final = await stream.start();
    expect(stream.getSnapshot()).toBe(final);
    expect(seen.has(final)).toBe(true);
    expect(stream.getSnapshot()).toBe(stream.getSnapshot());
  });

  it('calls onEvent for every event before adapters, onDelta per delta, onFinish once', async () => {
    const { fetch } = scriptedFetch((r) => streamResponse({ chunks: [bytes(openAIChatStream(['a', 'b']))] }, { signal: r.signal }));
    const events: RawEvent[] = [];
    const deltas: unknown[] = [];
    const onFinish = vi.fn();
    await createStream({ url: 'http://t', fetch, provider: 'openai', onEvent: (e) => events.push(e), onDelta: (d) => deltas.push(d), onFinish }).start();
    expect(events.map((e) => e.data).at(-1)).toBe('[DONE]');
    expect(events).toHaveLength(5);
    expect(deltas.length).toBeGreaterThanOrEqual(3);
    expect(onFinish).toHaveBeenCalledTimes(1);
  });

  it('a callback that throws neither breaks nor re-sends the stream', async () => {
    const { fetch, requests } = scriptedFetch((r) => streamResponse({ chunks: [bytes(openAIChatStream(words))] }, { signal: r.signal }));
    const report = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const snapshot = await createStream({ url: 'http://t', fetch, onDelta: () => { throw new Error('app bug'); } }).start();
    expect(snapshot).toMatchObject({ status: 'done', text: fullText });
    expect(requests).toHaveLength(1);
    expect(report).toHaveBeenCalled();
    report.mockRestore();
  });
});

describe('createStream: formats', () => {
  it('reads NDJSON line by line (Ollama) and text/plain as text', async () => {
    const ndjson = '{"model":"llama3","message":{"role":"assistant","content":"Hi"},"done":false}\n{"model":"llama3","message":{"role":"assistant","content":" there"},"done":false}\n{"model":"llama3","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":3,"eval_count":2}\n';
    const { fetch } = scriptedFetch((r) =>
      r.url.endsWith('/text')
        ? streamResponse({ chunks: chunkEvery(bytes('plain — text'), 3) }, { signal: r.signal, headers: { 'content-type': 'text/plain; charset=utf-8' } })
        : streamResponse({ chunks: chunkEvery(bytes(ndjson), 5) }, { signal: r.signal, headers: { 'content-type': 'application/x-ndjson' } }),
    );
    const ollama = await createStream({ url: 'http://t/api/chat', fetch }).start();
    expect(ollama).toMatchObject({ status: 'done', text: 'Hi there', finishReason: 'stop', usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 } });
    const text = await createStream({ url: 'http://t/text', fetch }).start();
    expect(text).toMatchObject({ status: 'done', text: 'plain — text' });
  });

  it('a 200 HTML page is an error, not an empty answer', async () => {
    const { fetch, requests } = scriptedFetch(() => new Response('<html><body>Bad gateway</body></html>', { headers: { 'content-type': 'text/html' } }));
    const snapshot = await createStream({ url: 'http://t', fetch }).start();
    expect(snapshot.status).toBe('error');
    expect(snapshot.error).toBeInstanceOf(StreamError);
    expect(snapshot.error).toMatchObject({ kind: 'http', status: 200 });
    expect(snapshot.error!.body).toContain('Bad gateway');
    expect(requests).toHaveLength(1);
  });

  it('an event larger than maxEventBytes closes the stream with overflow, keeping what came before', async () => {
    const big = `data: {"choices":[{"delta":{"content":"${'x'.repeat(5000)}"}}]}\n\n`;
    const body = openAIChatStream(['kept']).replace('data: [DONE]\n\n', '') + big;
    const { fetch, requests } = scriptedFetch((r) => streamResponse({ chunks: chunkEvery(bytes(body), 512) }, { signal: r.signal }));
    const snapshot = await createStream({ url: 'http://t', fetch, maxEventBytes: 1024 }).start();
    expect(snapshot.status).toBe('error');
    expect(snapshot.error!.kind).toBe('overflow');
    expect(snapshot.text).toBe('kept');
    expect(requests).toHaveLength(1);
  });

  it('an in-band provider error ends the stream with kind provider', async () => {
    const body = openAIChatStream(['partial']).replace('data: [DONE]\n\n', '').replace(/data: \{[^\n]*"finish_reason":"stop"[^\n]*\n\n/, '') +
      'data: {"error":{"message":"The server is overloaded","type":"server_error","code":"overloaded"}}\n\n';
    const { fetch } = scriptedFetch((r) => streamResponse({ chunks: [bytes(body)] }, { signal: r.signal }));
    const snapshot = await createStream({ url: 'http://t', fetch, provider: 'openai' }).start();
    expect(snapshot).toMatchObject({ status: 'error', text: 'partial', finishReason: 'error' });
    expect(snapshot.error).toMatchObject({ kind: 'provider', message: 'The server is overloaded' });
  });

  it('an unknown shape with provider auto is a parse error naming what was seen', async () => {
    const { fetch } = scriptedFetch((r) => streamResponse({ chunks: [bytes('data: {"weird":true}\n\n')] }, { signal: r.signal }));
    const snapshot = await createStream({ url: 'http://t', fetch }).start();
    expect(snapshot.status).toBe('error');
    expect(snapshot.error!.kind).toBe('parse');
    expect(snapshot.error!.message).toContain('weird');
  });
});

describe('createStream: HTTP errors and retries', () => {
  it('401 fails at once with status and body, never retried, no secret in the error', async () => {
    const { fetch, requests } = scriptedFetch(() => new Response('{"error":{"message":"Invalid API key"}}', { status: 401, headers: { 'content-type': 'application/json' } }));
    const onError = vi.fn();
    const snapshot = await createStream({ url: 'http://t', fetch, headers: { Authorization: 'Bearer sk-secret-123' }, onError }).start();
    expect(requests).toHaveLength(1);
    expect(snapshot.error).toMatchObject({ kind: 'http', status: 401, attempts: 1 });
    expect(snapshot.error!.body).toContain('Invalid API key');
    expect(onError).toHaveBeenCalledWith(snapshot.error);
    expect(JSON.stringify({ ...snapshot, error: { ...snapshot.error, message: snapshot.error!.message } })).not.toContain('sk-secret');
    expect(String(snapshot.error!.stack)).not.toContain('sk-secret');
  });

  it('503 with Retry-After is retried after that delay', async () => {
    vi.useFakeTimers();
    const { fetch, requests } = scriptedFetch((r, attempt) =>
      attempt === 1
        ? new Response('busy', { status: 503, headers: { 'retry-after': '2' } })
        : streamResponse({ chunks: [bytes(openAIChatStream(words))] }, { signal: r.signal }),
    );
    const done = createStream({ url: 'http://t', fetch }).start();
    await vi.advanceTimersByTimeAsync(1999);
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2);
    const snapshot = await done;
    expect(requests).toHaveLength(2);
    expect(snapshot).toMatchObject({ status: 'done', text: fullText, metrics: { reconnects: 1 } });
  });

  it('429, 408, 425 and 5xx are retried; other 4xx are not', async () => {
    for (const status of [408, 425, 429, 500, 502, 504]) {
      const { fetch, requests } = scriptedFetch((r, n) => (n === 1 ? new Response('x', { status }) : streamResponse({ chunks: [bytes(openAIChatStream(['ok']))] }, { signal: r.signal })));
      const snapshot = await createStream({ url: 'http://t', fetch, retry: { baseDelayMs: 1 } }).start();
      expect(snapshot.text, `status ${status}`).toBe('ok');
      expect(requests).toHaveLength(2);
    }
    for (const status of [400, 403, 404, 422]) {
      const { fetch, requests } = scriptedFetch(() => new Response('no', { status }));
      const snapshot = await createStream({ url: 'http://t', fetch, retry: { baseDelayMs: 1 } }).start();
      expect(snapshot.error).toMatchObject({ kind: 'http', status });
      expect(requests).toHaveLength(1);
    }
  });

  it('backs off exponentially with full jitter, bounded by maxAttempts', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const { fetch, requests } = scriptedFetch(() => Promise.reject(new TypeError('fetch failed')));
    const done = createStream({ url: 'http://t', fetch, retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 250 } }).start();
    // random() = 0.999 puts each delay at its ceiling: 100, 200, then min(400, 250).
    for (const [delay, count] of [[100, 2], [200, 3], [250, 4]] as const) {
      await vi.advanceTimersByTimeAsync(delay - 1);
      expect(requests).toHaveLength(count - 1);
      await vi.advanceTimersByTimeAsync(1);
      expect(requests).toHaveLength(count);
    }
    const snapshot = await done;
    expect(snapshot.error).toMatchObject({ kind: 'network', attempts: 4 });
    expect(vi.getTimerCount()).toBe(0);
    vi.mocked(Math.random).mockRestore();
  });

  it('honours the SSE retry field as the reconnection delay', async () => {
    vi.useFakeTimers();
    const first = 'retry: 3000\nid: 1\ndata: {"choices":[{"index":0,"delta":{"content":"a"}}]}\n\n';
    const { fetch, requests } = scriptedFetch((r, n) =>
      n === 1 ? streamResponse({ chunks: [bytes(first)], end: 'error' }, { signal: r.signal }) : streamResponse({ chunks: [bytes('id: 2\ndata: {"choices":[{"index":0,"delta":{"content":"b"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n')] }, { signal: r.signal }),
    );
    const done = createStream({ url: 'http://t', fetch }).start();
    await vi.advanceTimersByTimeAsync(2990);
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(20);
    expect((await done).text).toBe('ab');
  });

  it('headers given as a function are evaluated again on every attempt', async () => {
    let token = 0;
    const { fetch, requests } = scriptedFetch((r, n) => (n === 1 ? new Response('', { status: 500 }) : streamResponse({ chunks: [bytes(openAIChatStream(['x']))] }, { signal: r.signal })));
    await createStream({ url: 'http://t', fetch, retry: { baseDelayMs: 1 }, headers: async () => ({ authorization: `Bearer t${++token}` }) }).start();
    expect(requests.map((r) => r.headers.authorization)).toEqual(['Bearer t1', 'Bearer t2']);
  });

  it('a Headers instance is honoured', async () => {
    const { fetch, requests } = scriptedFetch((r) => streamResponse({ chunks: [bytes(openAIChatStream(['x']))] }, { signal: r.signal }));
    await createStream({ url: 'http://t', fetch, headers: new Headers({ 'x-app': '1' }) }).start();
    expect(requests[0]!.headers['x-app']).toBe('1');
  });
});
