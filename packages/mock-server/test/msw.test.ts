import { createStream } from '@tokenstream/core';
import { mockStreamHandlers } from '@tokenstream/mock-server/msw';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mockAnswer } from '../src/index';

const api = 'http://api.test';
const server = setupServer(
  ...mockStreamHandlers({ baseUrl: api }),
  http.get(`${api}/me`, () => HttpResponse.json({ name: 'Ada' })), // the app's own handlers still answer
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  vi.useRealTimers();
});
afterAll(() => server.close());

describe('mockStreamHandlers (MSW)', () => {
  it('streams the exact answer to core through the global fetch', async () => {
    const body = { messages: [{ role: 'user', content: 'through msw' }], mock: { length: 40 } };
    const snapshot = await createStream({ url: `${api}/v1/chat/completions`, body, provider: 'openai' }).start();
    expect(snapshot.status).toBe('done');
    expect(snapshot.text).toBe(mockAnswer(body).text);
  });

  it('serves the app protocols and their faults: a 401 and a drop that resumes', async () => {
    const unauthorized = await createStream({ url: `${api}/ai-sdk/chat`, body: { messages: [], mock: { status: 401 } }, provider: 'ai-sdk' }).start();
    expect(unauthorized.status).toBe('error');
    expect(unauthorized.error?.status).toBe(401);

    const body = { messages: [{ role: 'user', content: 'drop' }], mock: { length: 50, dropAfterEvents: 8, faultAttempts: 1, key: 'msw-drop' } };
    const resumed = await createStream({ url: `${api}/v1/chat/completions`, body, provider: 'openai', retry: { baseDelayMs: 1 } }).start();
    expect(resumed.text).toBe(mockAnswer(body).text);
    expect(resumed.metrics.reconnects).toBe(1);
  });

  it('leaves other paths and origins to the other handlers', async () => {
    expect(await (await fetch(`${api}/me`)).json()).toEqual({ name: 'Ada' });
    await expect(fetch('http://elsewhere.test/v1/chat/completions', { method: 'POST', body: '{}' })).rejects.toThrow();
  });

  it('paces with timers that vi.useFakeTimers() controls', async () => {
    vi.useFakeTimers();
    const response = await fetch(`${api}/json/chat`, { method: 'POST', body: JSON.stringify({ message: 'fake time', mock: { length: 100, tokensPerSecond: 2 } }) });
    const text = response.text();
    await vi.runAllTimersAsync(); // 50 s of pacing, at once
    expect(await text).toContain('data: [DONE]');
  });
});
