import type { StreamMetrics } from './types';

export interface MetricInputs {
  requestStartedAt: number | null;
  firstOutputAt: number | null;
  end: number;
  /** Reported output tokens, else the number of output deltas. */
  outputTokens: number;
  deltas: number;
  bytes: number;
  attempts: number;
}

/** Network figures of a run: time to first output, duration, output rate (from the first output on), reconnects. */
export function computeMetrics(m: MetricInputs): StreamMetrics {
  return {
    ttftMs: m.firstOutputAt !== null && m.requestStartedAt !== null ? Math.round(m.firstOutputAt - m.requestStartedAt) : null,
    durationMs: m.requestStartedAt === null ? 0 : Math.round(m.end - m.requestStartedAt),
    tokensPerSecond: m.firstOutputAt === null ? null : (m.outputTokens * 1000) / Math.max(1, m.end - m.firstOutputAt),
    deltas: m.deltas,
    bytes: m.bytes,
    reconnects: Math.max(0, m.attempts - 1),
  };
}
