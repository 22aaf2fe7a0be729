import type { StreamErrorKind } from './types';

export interface StreamErrorInit {
  status?: number;
  retryAfterMs?: number;
  body?: string;
  attempts?: number;
  cause?: unknown;
}

const MAX_BODY_CHARS = 2048;

/** Every failure of a stream, as a value with a `kind`. Never carries request headers. */
export class StreamError extends Error {
  override name = 'StreamError';
  kind: StreamErrorKind;
  status?: number;
  retryAfterMs?: number;
  /** Response body text, truncated to 2 KiB. */
  body?: string;
  attempts: number;
  code?: string;

  constructor(kind: StreamErrorKind, message: string, init: StreamErrorInit & { code?: string } = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = kind;
    this.attempts = init.attempts ?? 1;
    if (init.status !== undefined) this.status = init.status;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.body !== undefined) this.body = truncate(init.body);
    if (init.code !== undefined) this.code = init.code;
  }
}

function truncate(text: string): string {
  return text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}…` : text;
}

/** Anything thrown during a stream, as a StreamError (an unknown failure is a network one). */
export function toStreamError(cause: unknown): StreamError {
  if (cause instanceof StreamError) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  return new StreamError('network', message || 'The stream failed', { cause });
}

/** A user callback that throws must not break or re-send the stream: report it like an event-handler error. */
export function callSafely<T>(callback: ((value: T) => void) | undefined, value: T): void {
  if (!callback) return;
  try {
    callback(value);
  } catch (error) {
    const report = (globalThis as { reportError?: (e: unknown) => void }).reportError;
    if (typeof report === 'function') report(error);
    else console.error('[tokenstream] a callback threw:', error);
  }
}
