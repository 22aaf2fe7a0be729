import { createMockStreamServer, mockAnswer } from '@tokenstream/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStream } from '../src/stream';
import { waitForSnapshot } from '@tokenstream/test-utils';
import type { StreamOptions } from '../src/types';

// Real HTTP on 127.0.0.1 against the mock server, which writes each provider's wire format on its own.

let server: { url: string; close(): Promise<void> };
beforeAll(async () => {
  server = await createMockStreamServer().listen(0);
});
afterAll(() => server.close());

const routes = [
  { provider: 'openai', path: '/v1/chat/completions', body: (content: string) => ({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content }] }) },
  { provider: 'openai-responses', path: '/v1/responses', body: (content: string) => ({ model: 'gpt-4.1', stream: true, input: content }) },
  { provider: 'anthropic', path: '/v1/messages', body: (content: string) => ({ model: 'claude-sonnet-4-5', max_tokens: 1024, stream: true, messages: [{ role: 'user', content }] }) },
  { provider: 'gemini', path: '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', body: (content: string) => ({ contents: [{ role: 'user', parts: [{ text: content }] }] }) },
  { provider: 'ollama', path: '/api/chat', body: (content: string) => ({ model: 'llama3.2', messages: [{ role: 'user', content }] }) },
] as const;

function run(path: string, body: object, options: Partial<StreamOptions> = {}) {
  return createStream({ url: server.url + path, body, retry: { baseDelayMs: 5 }, throttle: 0, ...options }).start();
}

describe('createStream over real HTTP against the mock server', () => {
  for (const route of routes) {
    it(`${route.provider}: the exact answer and usage, named and auto-detected`, async () => {
      const body = route.body(`Tell me about ${route.provider} streams`);
      const expected = mockAnswer(body);
      for (const provider of [route.provider, 'auto'] as const) {
        const snapshot = await run(route.path, body, { provider });
        expect(snapshot.status, provider).toBe('done');
        expect(snapshot.text, provider).toBe(expected.text);
        expect(snapshot.usage?.outputTokens, provider).toBe(expected.usage.outputTokens);
        expect(snapshot.usage?.inputTokens, provider).toBe(expected.usage.inputTokens);
        expect(snapshot.finishReason, provider).toBe('stop');
      }
    });

    it(`${route.provider}: a drop mid-stream (mid UTF-8 / mid CRLF included) resumes to the exact text`, async () => {
      for (const dropAfterBytes of [150, 333, 611]) {
        const body = { ...route.body(`drop ${dropAfterBytes} ${route.provider}`), mock: { dropAfterBytes, faultAttempts: 1 } };
        const snapshot = await run(route.path, body, { provider: route.provider });
        if (route.provider === 'ollama') {
          // NDJSON carries no event ids: after output began, a drop cannot be resumed without splicing two answers.
          expect(snapshot.error?.kind).toBe('network');
          expect(mockAnswer(body).text.startsWith(snapshot.text)).toBe(true);
          continue;
        }
        expect(snapshot.status).toBe('done');
        expect(snapshot.text).toBe(mockAnswer(body).text);
        expect(snapshot.metrics.reconnects).toBe(1);
      }
    });
  }

  it('text/plain: the whole body is the answer', async () => {
    const body = { prompt: 'plain text please' };
    const snapshot = await run('/text', body);
    expect(snapshot).toMatchObject({ status: 'done', text: mockAnswer(body).text });
  });

  it('a server that replays from the start after Last-Event-ID: no duplicated text', async () => {
    const body = { ...routes[0].body('replay me'), mock: { dropAfterEvents: 12, faultAttempts: 1, resume: 'replay' } };
    const snapshot = await run('/v1/chat/completions', body);
    expect(snapshot).toMatchObject({ status: 'done', text: mockAnswer(body).text, metrics: { reconnects: 1 } });
  });

  it('a server that ignores Last-Event-ID and starts a new answer: never spliced, partial text kept', async () => {
    for (const route of routes.slice(0, 4)) {
      const body = { ...route.body(`restart ${route.provider}`), mock: { dropAfterEvents: 8, faultAttempts: 1, resume: 'restart', seed: 1 } };
      const snapshot = await run(route.path, body, { provider: route.provider });
      expect(snapshot.status, route.provider).toBe('error');
      expect(snapshot.error, route.provider).toMatchObject({ kind: 'network', code: 'response_restarted', attempts: 2 });
      expect(mockAnswer(body).text.startsWith(snapshot.text), route.provider).toBe(true);
    }
  });

  it('without ids, a drop after output began ends in a network error with the partial text', async () => {
    const body = { ...routes[2].body('no ids here'), mock: { ids: false, dropAfterEvents: 10, faultAttempts: 1 } };
    const snapshot = await run('/v1/messages', body);
    expect(snapshot.status).toBe('error');
    expect(snapshot.error!.kind).toBe('network');
    expect(snapshot.text.length).toBeGreaterThan(0);
    expect(mockAnswer(body).text.startsWith(snapshot.text)).toBe(true);
  });

  it('429 with Retry-After is retried; 401 is not', async () => {
    const retried = { ...routes[0].body('busy'), mock: { status: 429, retryAfter: 0, faultAttempts: 1 } };
    expect(await run('/v1/chat/completions', retried)).toMatchObject({ status: 'done', text: mockAnswer(retried).text, metrics: { reconnects: 1 } });
    const denied = { ...routes[0].body('denied'), mock: { status: 401 } };
    const snapshot = await run('/v1/chat/completions', denied);
    expect(snapshot.error).toMatchObject({ kind: 'http', status: 401, attempts: 1 });
  });

  it('an HTML page with status 200 is an error', async () => {
    const snapshot = await run('/v1/chat/completions', { ...routes[0].body('html'), mock: { html200: true } });
    expect(snapshot.error).toMatchObject({ kind: 'http', status: 200 });
  });

  it('a stall past idleTimeoutMs reconnects and finishes exactly', async () => {
    const body = { ...routes[0].body('stall'), mock: { stallMs: 2000, stallAfterEvents: 5, faultAttempts: 1 } };
    const snapshot = await run('/v1/chat/completions', body, { idleTimeoutMs: 150 });
    expect(snapshot).toMatchObject({ status: 'done', text: mockAnswer(body).text, metrics: { reconnects: 1 } });
  });

  it('heartbeats keep a slow stream alive under a short idle timeout', async () => {
    const body = { ...routes[2].body('slow but alive'), mock: { length: 6, tokensPerSecond: 10, heartbeatMs: 30 } };
    const snapshot = await run('/v1/messages', body, { idleTimeoutMs: 80 });
    expect(snapshot).toMatchObject({ status: 'done', text: mockAnswer(body).text, metrics: { reconnects: 0 } });
  });

  it('in-band errors end with kind provider; a malformed line with kind parse; partial text kept', async () => {
    for (const route of routes) {
      const body = { ...route.body(`inband ${route.provider}`), mock: { inbandErrorAfterEvents: 6 } };
      const snapshot = await run(route.path, body, { provider: route.provider });
      expect(snapshot.error?.kind, route.provider).toBe('provider');
      expect(mockAnswer(body).text.startsWith(snapshot.text), route.provider).toBe(true);
    }
    const malformed = await run('/v1/chat/completions', { ...routes[0].body('malformed'), mock: { malformedAfterEvents: 5 } });
    expect(malformed.error?.kind).toBe('parse');
    expect(malformed.text.length).toBeGreaterThan(0);
  });

  it('one byte at a time still gives the exact text', async () => {
    const body = { ...routes[3].body('drip'), mock: { length: 8, slowDrip: true } };
    expect((await run(routes[3].path, body)).text).toBe(mockAnswer(body).text);
  });

  it('stop() mid-stream keeps the partial text', async () => {
    const body = { ...routes[0].body('stop me'), mock: { length: 200, tokensPerSecond: 200 } };
    const stream = createStream({ url: server.url + '/v1/chat/completions', body, throttle: 0 });
    const done = stream.start();
    await waitForSnapshot(stream, (s) => s.text.length > 20);
    stream.stop();
    const snapshot = await done;
    expect(snapshot.status).toBe('aborted');
    expect(mockAnswer(body).text.startsWith(snapshot.text)).toBe(true);
    expect(snapshot.text.length).toBeLessThan(mockAnswer(body).text.length);
  });
});
