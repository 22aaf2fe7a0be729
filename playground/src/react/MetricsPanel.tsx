import type { ChatMessage, StreamStatus, Usage } from '@tokenstream/core';
import { useMemo, useRef } from 'react';
import { costOf, formatUsd } from '../shared/pricing';
import { formatBytes, formatMs, formatRate, runMetrics } from '../shared/run-metrics';
import { chartGeometry, TimelineRecorder } from '../shared/timeline';

interface MetricsPanelProps {
  status: StreamStatus;
  messages: ChatMessage[];
  usage: Usage | null;
  model: string | null;
}

export function MetricsPanel({ status, messages, usage, model }: MetricsPanelProps) {
  const recorder = useRef<TimelineRecorder | null>(null);
  recorder.current ??= new TimelineRecorder();
  const timeline = useMemo(() => recorder.current!.observe(messages, performance.now()), [messages]);
  const chart = chartGeometry(timeline, 280, 80);
  const metrics = runMetrics(messages);

  return (
    <section className="metrics" aria-label="Live metrics">
      <h2>Metrics</h2>
      <dl>
        <dt>Status</dt>
        <dd data-testid="status" aria-live="polite">{status}</dd>
        <dt>Time to first token</dt>
        <dd>{formatMs(metrics.ttftMs)}</dd>
        <dt>Speed</dt>
        <dd>{formatRate(metrics.tokensPerSecond)}</dd>
        <dt>Reconnects</dt>
        <dd data-testid="reconnects">{metrics.reconnects}</dd>
        <dt>Bytes</dt>
        <dd>{formatBytes(metrics.bytes)}</dd>
        <dt>Usage (chat)</dt>
        <dd>{usage ? `${usage.inputTokens} in / ${usage.outputTokens} out${usage.reasoningTokens ? ` (${usage.reasoningTokens} reasoning)` : ''}` : '—'}</dd>
        <dt>Cost{model ? ` (${model})` : ''}</dt>
        <dd>{formatUsd(costOf(usage, model))}</dd>
      </dl>
      <svg className="chart" viewBox={`0 0 ${chart.width} ${chart.height}`} role="img" aria-label={`Tokens over time: ${chart.summary}`}>
        {chart.markers.map((x, i) => (
          <line key={i} className="reconnect" x1={x} x2={x} y1={0} y2={chart.height} />
        ))}
        <path className="tokens" d={chart.path} />
      </svg>
    </section>
  );
}
