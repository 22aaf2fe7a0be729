import { describe, expect, it, vi } from 'vitest';
import { bytes, openAIChatStream, scriptedFetch, streamResponse } from '@tokenstream/test-utils';
import { StreamError } from '../src/errors';
import { backoffDelay, decideRetry, DEFAULT_RETRY, isRetryable, resolveRetryPolicy } from '../src/retry';

const context = { attempt: 1, policy: DEFAULT_RETRY, resumable: false, hasOutput: false, serverRetryMs: undefined, random: () => 0.5 };

describe('decideRetry', () => {
  it('retries network errors, drops, stalls and 408/425/429/5xx with backoff', () => {
    for (const failure of [
      new StreamError('network', 'x'),
      new StreamError('timeout', 'x'),
      ...[408, 425, 429, 500, 503].map((status) => new StreamError('http', 'x', { status })),
    ]) {
      expect(decideRetry(failure, context), `${failure.kind} ${failure.status}`).toBe(250);
    }
  });

  it('never retries what would fail again: other 4xx, a 200 that is no stream, parse, provider, overflow', () => {
    for (const failure of [
      new StreamError('http', 'x', { status: 401 }),
      new StreamError('http', 'x', { status: 200, code: 'not_a_stream' }),
      new StreamError('http', 'x', { code: 'invalid_header' }),
      new StreamError('parse', 'x'),
      new StreamError('provider', 'x'),
      new StreamError('overflow', 'x'),
    ]) {
      expect(decideRetry(failure, { ...context, attempt: 2 })).toMatchObject({ kind: failure.kind, attempts: 2 });
    }
  });

  it('a drop after output began without ids ends the stream instead of splicing a second answer', () => {
    const decision = decideRetry(new StreamError('network', 'x'), { ...context, hasOutput: true });
    expect(decision).toMatchObject({ kind: 'network', code: 'dropped_without_ids' });
    expect(decideRetry(new StreamError('network', 'x'), { ...context, hasOutput: true, resumable: true })).toBe(250);
  });

  it('stops at maxAttempts, and on a restarted response', () => {
    expect(decideRetry(new StreamError('network', 'x'), { ...context, attempt: 5 })).toMatchObject({ attempts: 5 });
    expect(decideRetry(new StreamError('network', 'x', { code: 'response_restarted' }), context)).toBeInstanceOf(StreamError);
  });

  it('honours Retry-After up to two minutes, and the server retry: field', () => {
    expect(decideRetry(new StreamError('http', 'x', { status: 429, retryAfterMs: 3000 }), context)).toBe(3000);
    expect(decideRetry(new StreamError('http', 'x', { status: 429, retryAfterMs: 600_000 }), context)).toBeInstanceOf(StreamError);
    expect(decideRetry(new StreamError('network', 'x'), { ...context, serverRetryMs: 42 })).toBe(42);
  });
});

describe('backoff and Retry-After', () => {
  it('full jitter under an exponential ceiling capped by maxDelayMs', () => {
    const policy = resolveRetryPolicy({ baseDelayMs: 100, maxDelayMs: 1000 });
    expect(backoffDelay(policy, 1, () => 1)).toBe(100);
    expect(backoffDelay(policy, 3, () => 1)).toBe(400);
    expect(backoffDelay(policy, 10, () => 1)).toBe(1000);
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
  });

  it('retry: false means one attempt', () => {
    expect(resolveRetryPolicy(false).maxAttempts).toBe(1);
  });

  it('isRetryable by kind and status', () => {
    expect(isRetryable(new StreamError('http', 'x', { status: 404 }))).toBe(false);
    expect(isRetryable(new StreamError('http', 'x', { status: 502 }))).toBe(true);
  });
});

// retry.ts is a chunk the run loads on its first failed attempt.
describe('the retry chunk', () => {
  const failingThenFine = () =>
    scriptedFetch((request, attempt) =>
      attempt === 1 ? new Response('busy', { status: 503 }) : streamResponse({ chunks: [bytes(openAIChatStream(['ok']))] }, { signal: request.signal }),
    );

  it('loads on the first failure, and the stream is retried', async () => {
    vi.resetModules();
    const { createStream } = await import('../src/stream');
    const { fetch, requests } = failingThenFine();
    const snapshot = await createStream({ url: 'http://t', body: {}, fetch, throttle: 0, retry: { baseDelayMs: 1, maxDelayMs: 1 } }).start();
    expect(snapshot).toMatchObject({ status: 'done', text: 'ok', metrics: { reconnects: 1 } });
    expect(requests).toHaveLength(2);
  });

  it('a chunk that fails to load ends the stream with the failure itself, not re-sent', async () => {
    vi.resetModules();
    vi.doMock('../src/retry', () => {
      throw new Error('Failed to fetch dynamically imported module');
    });
    try {
      const { createStream } = await import('../src/stream');
      const { fetch, requests } = failingThenFine();
      const snapshot = await createStream({ url: 'http://t', body: {}, fetch, throttle: 0 }).start();
      expect(snapshot.error).toMatchObject({ kind: 'http', status: 503, attempts: 1 });
      expect(requests).toHaveLength(1);
    } finally {
      vi.doUnmock('../src/retry');
      vi.resetModules();
    }
  });

  it('is fetched in the background once a response streams (a drop later finds it loaded), not with retry: false', async () => {
    let loads = 0;
    const track = async (retry: false | undefined) => {
      vi.resetModules();
      loads = 0;
      vi.doMock('../src/retry', async (importOriginal) => {
        loads++;
        return importOriginal();
      });
      try {
        const { createStream } = await import('../src/stream');
        const { fetch } = scriptedFetch((request) => streamResponse({ chunks: [bytes(openAIChatStream(['ok']))] }, { signal: request.signal }));
        const snapshot = await createStream({ url: 'http://t', body: {}, fetch, throttle: 0, ...(retry === false ? { retry } : {}) }).start();
        expect(snapshot.status).toBe('done');
        await vi.waitFor(() => expect(loads).toBe(retry === false ? 0 : 1));
      } finally {
        vi.doUnmock('../src/retry');
        vi.resetModules();
      }
    };
    await track(undefined);
    await track(false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(loads).toBe(0);
  });

  it('a chunk that failed to load is tried again by the next failure', async () => {
    vi.resetModules();
    let attemptsToLoad = 0;
    vi.doMock('../src/retry', async (importOriginal) => {
      attemptsToLoad++;
      if (attemptsToLoad === 1) throw new Error('Failed to fetch dynamically imported module');
      return importOriginal();
    });
    try {
      const { createStream } = await import('../src/stream');
      const first = failingThenFine();
      expect((await createStream({ url: 'http://t', body: {}, fetch: first.fetch, throttle: 0 }).start()).error).toMatchObject({ status: 503 });
      const second = failingThenFine();
      const snapshot = await createStream({ url: 'http://t', body: {}, fetch: second.fetch, throttle: 0, retry: { baseDelayMs: 1, maxDelayMs: 1 } }).start();
      expect(snapshot).toMatchObject({ status: 'done', text: 'ok' });
    } finally {
      vi.doUnmock('../src/retry');
      vi.resetModules();
    }
  });
});
