import { now } from '../clock';
import { SnapshotStore } from '../store/snapshot-store';
import type { StreamSnapshot, StreamStatus } from '../types';
import { PACE_TICK_MS, resolveSmooth, TextPacer } from './pacer';

const FINAL_STATUSES: ReadonlySet<StreamStatus> = new Set(['idle', 'done', 'error', 'aborted']);

/**
 * The stream's snapshot store with `smooth` pacing: the run publishes into it as usual, and subscribers see
 * `snapshot.text` released at an even pace. Every other field (status, metrics, tool calls...) is passed through at
 * once, so metrics keep measuring the network. A final snapshot (`set`, used for done, stop(), error and reset) shows
 * the full text at once.
 */
export class PacedSnapshotStore extends SnapshotStore<StreamSnapshot> {
  private pacer: TextPacer | null = null;
  private source: (() => StreamSnapshot) | null = null;
  private changedAt: number | null = null;
  private tick: ReturnType<typeof setTimeout> | undefined;

  /** Called at every start(): pacing on or off for this run, from scratch. */
  configure(smooth: boolean | { maxLagMs?: number } | undefined): void {
    this.stopTicking();
    const resolved = resolveSmooth(smooth);
    this.pacer = resolved ? new TextPacer(resolved.maxLagMs) : null;
    this.source = null;
    this.changedAt = null;
  }

  override invalidate(build: () => StreamSnapshot): void {
    if (!this.pacer) return super.invalidate(build);
    this.source = build;
    this.changedAt ??= now();
    super.invalidate(this.buildPaced);
  }

  override set(next: StreamSnapshot): void {
    if (this.pacer && !FINAL_STATUSES.has(next.status)) {
      this.invalidate(() => next);
      return;
    }
    this.stopTicking();
    this.source = null;
    super.set(next);
  }

  override cancel(): void {
    this.stopTicking();
    super.cancel();
  }

  private buildPaced = (): StreamSnapshot => {
    const pacer = this.pacer!;
    const snapshot = this.source!();
    if (this.changedAt !== null) pacer.arrive(snapshot.text.length, this.changedAt);
    this.changedAt = null;
    const shown = pacer.release(now());
    if (!pacer.caughtUp) this.scheduleTick();
    return shown >= snapshot.text.length ? snapshot : { ...snapshot, text: snapshot.text.slice(0, keepPairs(snapshot.text, shown)) };
  };

  private scheduleTick(): void {
    if (this.tick !== undefined) return;
    this.tick = setTimeout(() => {
      this.tick = undefined;
      if (this.source) super.invalidate(this.buildPaced);
    }, PACE_TICK_MS);
  }

  private stopTicking(): void {
    if (this.tick !== undefined) clearTimeout(this.tick);
    this.tick = undefined;
  }
}

/** Never cut a surrogate pair in half (an emoji would flash as a replacement character). */
function keepPairs(text: string, length: number): number {
  const code = text.charCodeAt(length - 1);
  return code >= 0xd800 && code <= 0xdbff ? length + 1 : length;
}
