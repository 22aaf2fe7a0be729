import { describe, expect, it } from 'vitest';
import { createStream } from '../src/stream';
import type { ProviderAdapter } from '../src/types';
import { bytes, openAIChatStream, scriptedFetch, streamResponse } from '@tokenstream/test-utils';

// What the engine does with responses that can never become an answer: fail at once, with the rule in `code`, and
// never re-send the request (a re-sent POST is a second paid answer that would fail the same way).
const fast = { retry: { baseDelayMs: 1, maxDelayMs: 1 }, throttle: 0 as const };

function respondWith(body: string, headers: Record<string, string> = { 'content-type': 'text/event-stream' }, status = 200) {
  return scriptedFetch((request) => (status === 204 ? new Response(null, { status }) : streamResponse({ chunks: [bytes(body)] }, { headers, status, signal: request.signal })));
}

describe('no silent blanks, no paid repeats', () => {
  it('an empty 200 body fails after one request (empty_stream)', async () => {
    const { fetch, requests } = respondWith('');
    const snapshot = await createStream({ url: 'http://test/x', body: {}, fetch, ...fast }).start();
    expect(snapshot.status).toBe('error');
    expect(snapshot.error).toMatchObject({ kind: 'parse', code: 'empty_stream' });
    expect(requests).toHaveLength(1);
  });

  it('a body of keep-alives only fails after one request', async () => {
    const { fetch, requests } = respondWith(': ping\n\n: ping\n\n');
    const snapshot = await createStream({ url: 'http://test/x', body: {}, fetch, ...fast }).start();
    expect(snapshot.error).toMatchObject({ kind: 'parse', code: 'empty_stream' });
    expect(requests).toHaveLength(1);
  });

  it('a 200 HTML page fails after one request (not_a_stream), with the page start in the body', async () => {
    const { fetch, requests } = respondWith('<html><title>Login</title></html>', { 'content-type': 'text/html' });
    const snapshot = await createStream({ url: 'http://test/x', body: {}, fetch, ...fast }).start();
    expect(snapshot.error).toMatchObject({ kind: 'http', status: 200, code: 'not_a_stream' });
    expect(requests).toHaveLength(1);
  });

  it('a custom adapter that throws is a parse error (adapter_threw), not a network failure to retry', async () => {
    const buggy: ProviderAdapter = { name: 'buggy', parse: () => { throw new TypeError('undefined is not a function'); } };
    const { fetch, requests } = respondWith(openAIChatStream(['a']));
    const snapshot = await createStream({ url: 'http://test/x', body: {}, fetch, provider: buggy, ...fast }).start();
    expect(snapshot.error).toMatchObject({ kind: 'parse', code: 'adapter_threw' });
    expect(requests).toHaveLength(1);
  });

  it('a header value the runtime would reject is a typed error before any request, without the value', async () => {
    const { fetch, requests } = respondWith(openAIChatStream(['a']));
    const snapshot = await createStream({
      url: 'http://test/x', body: {}, fetch, ...fast,
      headers: { authorization: 'Bearer sk-live-123\nX-Injected: 1' },
    }).start();
    expect(snapshot.error).toMatchObject({ kind: 'http', code: 'invalid_header' });
    expect(snapshot.error!.message).toContain('authorization');
    expect(JSON.stringify({ ...snapshot.error, message: snapshot.error!.message })).not.toContain('sk-live-123');
    expect(requests).toHaveLength(0);
  });

  it('a 204 ends idle, without an error (nothing to stream)', async () => {
    const { fetch } = respondWith('', {}, 204);
    const stream = createStream({ url: 'http://test/x', fetch, ...fast });
    const snapshot = await stream.start();
    expect(snapshot.status).toBe('idle');
    expect(snapshot.error).toBeNull();
    expect(stream.getSnapshot().status).toBe('idle');
  });
});

describe('completion is a protocol fact', () => {
  it("an adapter's end() completes a stream that closes cleanly", async () => {
    const adapter: ProviderAdapter = { name: 'lines', parse: (e) => ({ text: e.data }), end: () => ({ done: true }) };
    const { fetch, requests } = respondWith('data: a\n\ndata: b\n\n');
    const snapshot = await createStream({ url: 'http://test/x', fetch, provider: adapter, ...fast }).start();
    expect(snapshot).toMatchObject({ status: 'done', text: 'ab' });
    expect(requests).toHaveLength(1);
  });

  it('without end(), a clean close before the terminal signal is a drop (incomplete), retried while no output was shown', async () => {
    const adapter: ProviderAdapter = { name: 'silent', parse: () => null };
    const { fetch, requests } = respondWith('data: a\n\n');
    const snapshot = await createStream({ url: 'http://test/x', fetch, provider: adapter, ...fast, retry: { maxAttempts: 2, baseDelayMs: 1 } }).start();
    expect(snapshot.error).toMatchObject({ kind: 'network', code: 'incomplete' });
    expect(requests).toHaveLength(2);
  });

  it('a close in the middle of an event is a drop even when end() would complete', async () => {
    const adapter: ProviderAdapter = { name: 'lines', parse: (e) => ({ text: e.data }), end: () => ({ done: true }) };
    const { fetch } = respondWith('data: a\n\ndata: b');
    const snapshot = await createStream({ url: 'http://test/x', fetch, provider: adapter, ...fast }).start();
    expect(snapshot).toMatchObject({ status: 'error', text: 'a' });
    expect(snapshot.error).toMatchObject({ kind: 'network', code: 'dropped_without_ids' });
  });
});

describe('format: auto reads what a body is, whatever its label', () => {
  const chunks = openAIChatStream(['Hel', 'lo']).split('\n\n').filter(Boolean).map((e) => e.slice('data: '.length)).filter((d) => d !== '[DONE]');

  it("OpenAI chunks as NDJSON under text/plain (the openai SDK's toReadableStream) are read as OpenAI", async () => {
    const { fetch } = respondWith(chunks.map((c) => `${c}\n`).join(''), { 'content-type': 'text/plain; charset=utf-8' });
    const snapshot = await createStream({ url: 'http://test/x', fetch, ...fast }).start();
    expect(snapshot).toMatchObject({ status: 'done', text: 'Hello', finishReason: 'stop' });
  });

  it('SSE with no content-type is read as SSE', async () => {
    const { fetch } = respondWith(openAIChatStream(['Hel', 'lo']), {});
    const snapshot = await createStream({ url: 'http://test/x', fetch, ...fast }).start();
    expect(snapshot).toMatchObject({ status: 'done', text: 'Hello' });
  });

  it('plain-text SSE tokens (`data: ${token}`) are read as text, [DONE] completing them', async () => {
    const { fetch } = respondWith('data: Hello\n\ndata:  world\n\ndata: [DONE]\n\n');
    const snapshot = await createStream({ url: 'http://test/x', fetch, ...fast }).start();
    expect(snapshot).toMatchObject({ status: 'done', text: 'Hello world' });
  });

  it("provider 'none' still reads a plain-text body as text", async () => {
    const { fetch } = respondWith('just text', { 'content-type': 'text/plain' });
    const snapshot = await createStream({ url: 'http://test/x', fetch, provider: 'none', ...fast }).start();
    expect(snapshot).toMatchObject({ status: 'done', text: 'just text' });
  });

  it('plain text that starts with { stays text, whole', async () => {
    const answer = '{"a": 1} is a JSON object.\nIt has one key.';
    const { fetch } = respondWith(answer, { 'content-type': 'text/plain' });
    const snapshot = await createStream({ url: 'http://test/x', fetch, ...fast }).start();
    expect(snapshot).toMatchObject({ status: 'done', text: answer });
  });

  it("Gemini's streamed JSON array (no alt=sse) is read element by element", async () => {
    const part = (text: string, finish?: string) =>
      JSON.stringify({ candidates: [{ content: { parts: [{ text }], role: 'model' }, ...(finish ? { finishReason: finish } : {}), index: 0 }] });
    const body = `[${part('Hel')},\r\n${part('lo', 'STOP')}]`;
    const { fetch } = respondWith(body, { 'content-type': 'application/json; charset=UTF-8' });
    const snapshot = await createStream({ url: 'http://test/x', fetch, provider: 'gemini', ...fast }).start();
    expect(snapshot).toMatchObject({ status: 'done', text: 'Hello', finishReason: 'stop' });
  });
});
