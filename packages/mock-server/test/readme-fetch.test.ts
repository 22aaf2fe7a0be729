// The README's createMockFetch and fake-timer examples, as written there (imports from the package name).
import { createStream } from '@tokenstream/core';
import { createMockFetch, mockAnswer } from '@tokenstream/mock-server';
import { expect, it, vi } from 'vitest';

it('resumes a dropped answer to the exact text', async () => {
  const mockFetch = createMockFetch();
  const body = { messages: [{ role: 'user', content: 'Hello' }], mock: { length: 80, dropAfterEvents: 10, faultAttempts: 1 } };
  const snapshot = await createStream({ url: 'http://api.test/v1/chat/completions', body, fetch: mockFetch }).start();
  expect(snapshot.text).toBe(mockAnswer(body).text);
  expect(snapshot.metrics.reconnects).toBe(1);
  expect(mockFetch.stats().generations).toBe(1);
});

it('streams 40 seconds of answer instantly, or one token at a time', async () => {
  vi.useFakeTimers();
  const mockFetch = createMockFetch({ tokensPerSecond: 5, length: 200 });
  const whole = (await mockFetch('http://api.test/text', { method: 'POST', body: '{"prompt":"hi"}' })).text();
  await vi.runAllTimersAsync();
  expect(await whole).toBe(mockAnswer({ prompt: 'hi' }, { length: 200 }).text);

  const reader = (await mockFetch('http://api.test/text', { method: 'POST', body: '{"prompt":"hi"}' })).body!.getReader();
  const first = reader.read();
  await vi.advanceTimersByTimeAsync(0); // the first token is due at once (firstTokenDelayMs: 0)
  expect(new TextDecoder().decode((await first).value)).toBe(mockAnswer({ prompt: 'hi' }, { length: 200 }).textTokens[0]);
  await reader.cancel();
  vi.useRealTimers();
});
