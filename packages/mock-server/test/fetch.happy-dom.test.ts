// @vitest-environment happy-dom
import { createStream } from '@tokenstream/core';
import { describe, expect, it } from 'vitest';
import { createMockFetch, mockAnswer } from '../src/index';

describe('createMockFetch in happy-dom', () => {
  it('streams to core with a relative url resolved against the page', async () => {
    const mockFetch = createMockFetch();
    const body = { messages: [{ role: 'user', content: 'from the dom' }], mock: { length: 25 } };
    const stream = createStream({ url: '/ai-sdk/chat', body, provider: 'ai-sdk', fetch: mockFetch });
    const snapshot = await stream.start();
    expect(snapshot.status).toBe('done');
    expect(snapshot.text).toBe(mockAnswer(body).text);
  });

  it('replaces the global fetch for code that calls fetch() itself', async () => {
    const original = globalThis.fetch;
    globalThis.fetch = createMockFetch({ length: 4 });
    try {
      const response = await fetch('/text', { method: 'POST', body: JSON.stringify({ prompt: 'global' }) });
      expect(await response.text()).toBe(mockAnswer({ prompt: 'global' }, { length: 4 }).text);
    } finally {
      globalThis.fetch = original;
    }
  });
});
