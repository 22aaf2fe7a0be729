import type { ChatMessage } from '@tokenstream/core';
import { currentRun, runMetrics } from './run-metrics';

// Tokens over time for the latest run, sampled whenever the chat snapshot changes, with the moments a
// reconnect began. Pure data; the pages draw it with `chartGeometry`.

export interface TimelinePoint {
  /** ms since the run began. */
  t: number;
  tokens: number;
}

export interface Timeline {
  points: readonly TimelinePoint[];
  /** ms since the run began at which the reconnect count went up. */
  reconnectsAt: readonly number[];
}

const EMPTY: Timeline = { points: [], reconnectsAt: [] };

/** Feed it every chat snapshot; it returns the same Timeline object until something new was seen. */
export class TimelineRecorder {
  private runId: string | null = null;
  private startedAt = 0;
  private lastTokens = 0;
  private lastReconnects = 0;
  private timeline: Timeline = EMPTY;

  observe(messages: ChatMessage[], now: number): Timeline {
    const { userId } = currentRun(messages);
    if (userId !== this.runId) {
      this.runId = userId;
      this.startedAt = now;
      this.lastTokens = 0;
      this.lastReconnects = 0;
      this.timeline = userId === null ? EMPTY : { points: [{ t: 0, tokens: 0 }], reconnectsAt: [] };
    }
    if (userId === null) return this.timeline;
    const { tokens, reconnects } = runMetrics(messages);
    const t = now - this.startedAt;
    if (tokens === this.lastTokens && reconnects === this.lastReconnects) return this.timeline;
    const next: Timeline = {
      points: tokens !== this.lastTokens ? [...this.timeline.points, { t, tokens }] : this.timeline.points,
      reconnectsAt: reconnects > this.lastReconnects ? [...this.timeline.reconnectsAt, t] : this.timeline.reconnectsAt,
    };
    this.lastTokens = tokens;
    this.lastReconnects = reconnects;
    this.timeline = next;
    return next;
  }
}

export interface ChartGeometry {
  width: number;
  height: number;
  /** SVG path data of the token curve (empty without points). */
  path: string;
  /** x of each reconnect marker. */
  markers: number[];
  /** For the accessible label. */
  summary: string;
}

/** Scales a timeline into a width x height box (y grows downwards, as in SVG). */
export function chartGeometry(timeline: Timeline, width: number, height: number): ChartGeometry {
  const { points, reconnectsAt } = timeline;
  const lastT = Math.max(points.at(-1)?.t ?? 0, reconnectsAt.at(-1) ?? 0, 1);
  const maxTokens = Math.max(points.at(-1)?.tokens ?? 0, 1);
  const x = (t: number) => +((t / lastT) * width).toFixed(1);
  const y = (tokens: number) => +(height - (tokens / maxTokens) * height).toFixed(1);
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.t)},${y(p.tokens)}`).join(' ');
  const seconds = (lastT / 1000).toFixed(1);
  const tokens = points.at(-1)?.tokens ?? 0;
  const summary =
    points.length === 0
      ? 'No stream yet'
      : `${tokens} tokens in ${seconds} s, ${reconnectsAt.length} reconnect${reconnectsAt.length === 1 ? '' : 's'}`;
  return { width, height, path, markers: reconnectsAt.map(x), summary };
}
