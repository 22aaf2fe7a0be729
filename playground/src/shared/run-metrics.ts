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

/** "http 401: Unauthorized …": the kind and status first, as a user would search for them. */
export function describeError(error: StreamError): string {
  const head = error.status !== undefined ? `${error.kind} ${error.status}` : error.kind;
  return `${head}: ${error.message}`;
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
