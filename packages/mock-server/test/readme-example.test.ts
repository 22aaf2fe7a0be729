// The README's "Using it in your app's tests" example, kept runnable.
import { createStream } from '@tokenstream/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMockStreamServer, mockAnswer, type RunningMockServer } from '../src/index';

let mock: RunningMockServer;
beforeAll(async () => {
  mock = await createMockStreamServer().listen();
});
afterAll(() => mock.close());

it('survives a dropped connection without losing or repeating text', async () => {
  const body = {
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Hello' }],
    stream: true,
    stream_options: { include_usage: true },
    mock: { length: 200, dropAfterEvents: 20, faultAttempts: 1, key: 'drop-test' },
  };
  const stream = createStream({ url: `${mock.url}/v1/chat/completions`, body, retry: { baseDelayMs: 1 } });
  const snapshot = await stream.start();
  const expected = mockAnswer(body);
  expect(snapshot.status).toBe('done');
  expect(snapshot.text).toBe(expected.text);
  expect(snapshot.usage).toMatchObject({ inputTokens: expected.usage.inputTokens, outputTokens: expected.usage.outputTokens });
  expect(snapshot.metrics.reconnects).toBe(1);
});
