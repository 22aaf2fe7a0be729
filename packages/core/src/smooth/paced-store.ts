import type { StreamSnapshot, StreamStatus } from '../types';
import { PACE_TICK_MS, resolveSmooth, TextPacer } from './pacer';

const FINAL_STATUSES: ReadonlySet<StreamStatus> = new Set(['idle', 'done', 'error', 'aborted']);

/** The stream store's own publishing, which pacing feeds, and its clock. */
export interface PacingTarget {
  invalidate(build: () => StreamSnapshot): void;
  set(next: StreamSnapshot): void;
  now(): number;
}

/** `smooth` pacing for one run: the store hands it what the run publishes. */
export interface Pacing extends Omit<PacingTarget, 'now'> {
  /** No more ticks (a new start, reset, or the run ended). */
  stop(): void;
}

/** Pacing as asked by `smooth`; null when it is off (not asked for, or the user prefers reduced motion). */
export function createPacing(smooth: boolean | { maxLagMs?: number }, target: PacingTarget): Pacing | null {
  const resolved = resolveSmooth(smooth);
  return resolved ? new TextPacing(new TextPacer(resolved.maxLagMs), target) : null;
}

/**
 * Subscribers see `snapshot.text` released at an even pace. Every other field (status, metrics, tool calls...) is
 * passed through at once, so metrics keep measuring the network. A final snapshot (`set`, used for done, stop(),
 * error and reset) shows the full text at once. Loaded on demand: an app that never sets `smooth` does not ship it.
 */
class TextPacing implements Pacing {
  private source: (() => StreamSnapshot) | null = null;
  private changedAt: number | null = null;
  private tick: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly pacer: TextPacer,
    private readonly target: PacingTarget,
  ) {}

  invalidate(build: () => StreamSnapshot): void {
    this.source = build;
    this.changedAt ??= this.target.now();
    this.target.invalidate(this.buildPaced);
  }

  set(next: StreamSnapshot): void {
    if (!FINAL_STATUSES.has(next.status)) return this.invalidate(() => next);
    this.stop();
    this.target.set(next);
  }

  stop(): void {
    clearTimeout(this.tick);
    this.tick = undefined;
    this.source = null;
  }

  private buildPaced = (): StreamSnapshot => {
    const snapshot = this.source!();
    if (this.changedAt !== null) this.pacer.arrive(snapshot.text.length, this.changedAt);
    this.changedAt = null;
    const shown = this.pacer.release(this.target.now());
    if (!this.pacer.caughtUp) this.scheduleTick();
    return shown >= snapshot.text.length ? snapshot : { ...snapshot, text: snapshot.text.slice(0, keepPairs(snapshot.text, shown)) };
  };

  private scheduleTick(): void {
    this.tick ??= setTimeout(() => {
      this.tick = undefined;
      if (this.source) this.target.invalidate(this.buildPaced);
    }, PACE_TICK_MS);
  }
}

/** Never cut a surrogate pair in half (an emoji would flash as a replacement character). */
function keepPairs(text: string, length: number): number {
  const code = text.charCodeAt(length - 1);
  return code >= 0xd800 && code <= 0xdbff ? length + 1 : length;
}
