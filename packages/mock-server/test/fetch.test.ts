import { createStream } from '@tokenstream/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMockFetch, mockAnswer, MockConnectionDropped } from '../src/index';
import { chatBody, json, parseSse } from './helpers';

const origin = 'http://api.test';

async function readAll(response: Response): Promise<string> {
  return response.text();
}

function contentOf(text: string): string {
  return parseSse(text)
    .filter((e) => e.data !== '[DONE]')
    .map((e) => json<{ choices: Array<{ delta: { content?: string } }> }>(e.data).choices[0]?.delta.content ?? '')
    .join('');
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createMockFetch (Node)', () => {
  it('answers a route in process with the exact mockAnswer text', async () => {
    const mockFetch = createMockFetch();
    const body = chatBody('in process', { length: 30 });
    const response = await mockFetch(`${origin}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(body) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(contentOf(await readAll(response))).toBe(mockAnswer(body).text);
    expect(mockFetch.stats().generations).toBe(1);
  });

  it('resolves a relative url and takes a Request object', async () => {
    const mockFetch = createMockFetch({ length: 3 });
    const response = await mockFetch(new Request(`${origin}/text`, { method: 'POST', body: JSON.stringify({ prompt: 'hi' }) }));
    expect(await response.text()).toBe(mockAnswer({ prompt: 'hi' }, { length: 3 }).text);
    const relative = await mockFetch('/text', { method: 'POST', body: JSON.stringify({ prompt: 'hi' }) });
    expect(relative.status).toBe(200);
  });

  it('drives core createStream through its fetch option, faults included', async () => {
    const mockFetch = createMockFetch();
    const body = chatBody('resume me', { length: 60, dropAfterEvents: 10, faultAttempts: 1, key: 'fetch-drop' });
    const stream = createStream({ url: `${origin}/v1/chat/completions`, body, fetch: mockFetch, retry: { baseDelayMs: 1 } });
    const snapshot = await stream.start();
    expect(snapshot.status).toBe('done');
    expect(snapshot.text).toBe(mockAnswer(body).text);
    expect(snapshot.metrics.reconnects).toBe(1);
    expect(mockFetch.stats().generations).toBe(1);
  });

  it('dropAfterBytes gives exactly N bytes, then the read rejects like a reset connection', async () => {
    const mockFetch = createMockFetch();
    const response = await mockFetch(`${origin}/text`, { method: 'POST', body: JSON.stringify({ prompt: 'cut', mock: { length: 20, dropAfterBytes: 25 } }) });
    const reader = response.body!.getReader();
    let bytes = 0;
    const error = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return null;
        bytes += value.byteLength;
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MockConnectionDropped);
    expect(bytes).toBe(25);
  });

  it('honours the request signal: before the call, and while the body streams', async () => {
    const mockFetch = createMockFetch({ tokensPerSecond: 50 });
    const early = new AbortController();
    early.abort();
    await expect(mockFetch(`${origin}/text`, { method: 'POST', body: '{}', signal: early.signal })).rejects.toMatchObject({ name: 'AbortError' });

    const controller = new AbortController();
    const response = await mockFetch(`${origin}/text`, { method: 'POST', body: JSON.stringify({ prompt: 'x', mock: { length: 500 } }), signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
    await vi.waitFor(() => expect(mockFetch.stats().connections).toHaveLength(0));
  });

  it('answers bad input with 4xx, never a throw', async () => {
    const mockFetch = createMockFetch();
    const post = (path: string, body: string) => mockFetch(`${origin}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect((await post('/v1/chat/completions', '{"messages": [')).status).toBe(400);
    expect((await post('/v1/chat/completions?length=100000000', '{}')).status).toBe(400);
    expect((await mockFetch(`${origin}/streams/%E0%A4%A`)).status).toBe(400);
    expect((await mockFetch(`${origin}/nowhere`)).status).toBe(404);
  });
});

describe('createMockFetch with fake timers', () => {
  it('streams a long paced answer instantly with vi.runAllTimersAsync()', async () => {
    vi.useFakeTimers();
    const mockFetch = createMockFetch({ tokensPerSecond: 5, length: 200 }); // 40 s of real time
    const response = await mockFetch(`${origin}/text`, { method: 'POST', body: JSON.stringify({ prompt: 'slow' }) });
    const text = response.text();
    await vi.runAllTimersAsync();
    expect(await text).toBe(mockAnswer({ prompt: 'slow' }, { length: 200 }).text);
  });

  it('steps through a paced answer one token interval at a time', async () => {
    vi.useFakeTimers();
    const mockFetch = createMockFetch({ tokensPerSecond: 10, firstTokenDelayMs: 1000, length: 5 });
    const expected = mockAnswer({ prompt: 'step' }, { length: 5 }).textTokens;
    const response = await mockFetch(`${origin}/text`, { method: 'POST', body: JSON.stringify({ prompt: 'step' }) });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    let settled = false;
    let pending = reader.read().then((r) => ((settled = true), r));
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).toBe(false); // the first token waits for firstTokenDelayMs
    for (let i = 0; i < expected.length; i++) {
      await vi.advanceTimersByTimeAsync(i === 0 ? 1 : 50); // with the 50 ms below: one token interval (100 ms)
      const { value } = await pending;
      received += decoder.decode(value, { stream: true });
      expect(received).toBe(expected.slice(0, i + 1).join(''));
      settled = false;
      pending = reader.read().then((r) => ((settled = true), r));
      if (i + 1 < expected.length) {
        await vi.advanceTimersByTimeAsync(50);
        expect(settled).toBe(false); // the next token is not due yet
      }
    }
    expect((await pending).done).toBe(true);
  });
});
