import type { ChatMessage, StreamError } from '@tokenstream/core';

// What the metrics panel shows for the latest run (one user message and every model step it led to:
// with tools, one prompt is several streamed requests).

export interface RunMetrics {
  ttftMs: number | null;
  tokensPerSecond: number | null;
  /** Deltas received (the mock sends one per token). */
  tokens: number;
  bytes: number;
  reconnects: number;
  model: string | null;
}

/** The assistant messages after the last user message. */
export function currentRun(messages: ChatMessage[]): { userId: string | null; steps: ChatMessage[] } {
  let i = messages.length - 1;
  while (i >= 0 && messages[i].role !== 'user') i--;
  const steps = messages.slice(i + 1).filter((m) => m.role === 'assistant');
  return { userId: i >= 0 ? messages[i].id : null, steps };
}

export function runMetrics(messages: ChatMessage[]): RunMetrics {
  const { steps } = currentRun(messages);
  const metrics: RunMetrics = { ttftMs: null, tokensPerSecond: null, tokens: 0, bytes: 0, reconnects: 0, model: null };
  for (const step of steps) {
    const m = step.metrics;
    if (!m) continue;
    metrics.ttftMs ??= m.ttftMs;
    if (m.tokensPerSecond !== null) metrics.tokensPerSecond = m.tokensPerSecond;
    metrics.tokens += m.deltas;
    metrics.bytes += m.bytes;
    metrics.reconnects += m.reconnects;
  }
  return metrics;
}

// What a person can do about an HTTP error; the status line alone does not say.
const HTTP_HINTS: Record<number, string> = {
  400: 'the request was rejected',
  401: 'check the API key',
  403: 'the key may not have access to this model',
  404: 'check the URL and the model name',
  413: 'the conversation is too long',
  429: 'rate limited, wait a moment and retry',
};

const KIND_LABELS: Record<StreamError['kind'], string> = {
  http: 'HTTP error',
  network: 'Connection lost',
  timeout: 'No data for too long',
  parse: 'Unreadable answer',
  provider: 'The provider reported an error',
  overflow: 'An event was too large',
  aborted: 'Stopped',
};

/**
 * One line a person reads: "401 Unauthorized — check the API key", "Connection lost: socket closed".
 * Core's messages start with "HTTP 401" already; the status is said once, the kind only where it adds meaning.
 */
export function describeError(error: StreamError): string {
  const detail = error.message.replace(/^HTTP\s+\d{3}\b[:\s]*/i, '').trim();
  if (error.kind === 'http' && error.status !== undefined) {
    const hint = HTTP_HINTS[error.status] ?? (error.status >= 500 ? 'the server failed, try again' : undefined);
    return [`${error.status} ${detail}`.trim(), hint].filter(Boolean).join(' — ');
  }
  const label = KIND_LABELS[error.kind];
  const code = error.code !== undefined && !detail.includes(error.code) ? ` (${error.code})` : '';
  return detail === '' || detail.toLowerCase() === label.toLowerCase() ? `${label}${code}` : `${label}: ${detail}${code}`;
}

/** The pages' name for core's `isActive`. */
export { isActive as isRunning } from '@tokenstream/core';

export function formatMs(ms: number | null): string {
  return ms === null ? '—' : `${Math.round(ms)} ms`;
}

export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${rate.toFixed(1)} tok/s`;
}

export function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}
