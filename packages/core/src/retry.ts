import { StreamError } from './errors';
import type { RetryOptions } from './types';

// Retry decisions and backoff: a chunk loaded on a stream's first failed attempt (most streams never fail).

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 10_000 };

/** A server asking for a longer wait than this gets an error carrying `retryAfterMs` instead of a silent hang. */
const MAX_HONOURED_RETRY_AFTER_MS = 120_000;

export function resolveRetryPolicy(retry: false | RetryOptions | undefined): RetryPolicy {
  if (retry === false) return { ...DEFAULT_RETRY, maxAttempts: 1 };
  return {
    maxAttempts: Math.max(1, retry?.maxAttempts ?? DEFAULT_RETRY.maxAttempts),
    baseDelayMs: Math.max(0, retry?.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs),
    maxDelayMs: Math.max(0, retry?.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs),
  };
}

/** Exponential backoff with full jitter: uniform in [0, min(max, base * 2^(n-1))] before the n-th retry. */
export function backoffDelay(policy: RetryPolicy, retryNumber: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retryNumber - 1));
  return Math.round(random() * ceiling);
}

const RETRYABLE_STATUS = new Set([408, 425, 429]);

function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status) || status >= 500;
}

/** Network errors, drops, stalls and 408/425/429/5xx may be retried; everything else ends the stream. */
export function isRetryable(error: StreamError): boolean {
  if (error.kind === 'network' || error.kind === 'timeout') return true;
  return error.kind === 'http' && error.status !== undefined && isRetryableStatus(error.status);
}

/** Resolves after `ms`, or rejects at once when the signal aborts; the timer never outlives either. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryContext {
  attempt: number;
  policy: RetryPolicy;
  /** The stream carried event ids: a reconnect resumes after the last applied one. */
  resumable: boolean;
  /** Output was already shown: re-sending without ids would splice two answers. */
  hasOutput: boolean;
  /** The server's SSE `retry:` value, if it sent one. */
  serverRetryMs: number | undefined;
  random?: () => number;
}

/**
 * Whether a failed attempt is tried again, as a pure decision: the delay before the next attempt, or the error the
 * stream ends with. Only what can pass on a second try is retried: network errors, drops, stalls and 408/425/429/5xx;
 * a re-sent request without ids after output began would be a second answer, so that ends the stream instead.
 */
export function decideRetry(failure: StreamError, context: RetryContext): number | StreamError {
  const final = (error: StreamError) => {
    error.attempts = context.attempt;
    return error;
  };
  if (!isRetryable(failure) || failure.code === 'response_restarted' || context.attempt >= context.policy.maxAttempts) {
    return final(failure);
  }
  if (!context.resumable && context.hasOutput) {
    return final(
      new StreamError('network', 'The connection dropped after output began, and the stream has no event ids to resume from', {
        cause: failure,
        code: 'dropped_without_ids',
      }),
    );
  }
  if (failure.retryAfterMs !== undefined) {
    return failure.retryAfterMs <= MAX_HONOURED_RETRY_AFTER_MS ? failure.retryAfterMs : final(failure);
  }
  return context.serverRetryMs ?? backoffDelay(context.policy, context.attempt, context.random);
}
