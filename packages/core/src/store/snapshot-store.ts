import { now } from '../clock';

export type Throttle = 'frame' | number;

/** Never notify more often than this in 'frame' mode, whatever requestAnimationFrame does (happy-dom runs it at once). */
const MIN_FRAME_INTERVAL_MS = 16;
/** Hidden tabs pause requestAnimationFrame; a timer takes over so getSnapshot never freezes. */
const FRAME_FALLBACK_MS = 100;

/**
 * Holds the current snapshot and notifies listeners, batched. `invalidate(build)` marks it stale; `build` runs once, at the
 * next notification, so strings are joined once per notification and getSnapshot() is always the notified value.
 */
export class SnapshotStore<T> {
  private snapshot: T;
  private listeners = new Set<() => void>();
  private build: (() => T) | null = null;
  private lastFlushAt = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private fallbackTimer: ReturnType<typeof setTimeout> | undefined;
  private frame: number | undefined;
  private scheduled = false;
  throttle: Throttle;

  constructor(initial: T, throttle: Throttle = 'frame') {
    this.snapshot = initial;
    this.throttle = throttle;
  }

  getSnapshot = (): T => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Something changed: rebuild and notify at the next allowed moment (at once when throttle is 0). */
  invalidate(build: () => T): void {
    this.build = build;
    if (this.throttle === 0) return this.flush();
    if (this.scheduled) return;
    this.scheduled = true;
    const interval = this.throttle === 'frame' ? MIN_FRAME_INTERVAL_MS : this.throttle;
    const wait = Math.max(0, interval - (now() - this.lastFlushAt));
    const raf = this.throttle === 'frame' ? globalThis.requestAnimationFrame : undefined;
    if (!raf) {
      this.timer = setTimeout(this.flush, wait);
      return;
    }
    const onFrame = () => {
      this.frame = undefined;
      this.flush();
    };
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const frame = raf(onFrame);
      // happy-dom runs the callback inside raf(): then there is nothing left to cancel.
      if (this.scheduled) this.frame = frame;
    }, wait);
    this.fallbackTimer = setTimeout(this.flush, wait + FRAME_FALLBACK_MS);
  }

  /** Replace the snapshot and notify now (terminal states: always one notification after the final change). */
  set(next: T): void {
    this.build = () => next;
    this.flush();
  }

  /** Cancel a pending notification (the pending change is dropped). */
  cancel(): void {
    this.build = null;
    this.clearTimers();
  }

  private clearTimers(): void {
    this.scheduled = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.fallbackTimer !== undefined) clearTimeout(this.fallbackTimer);
    if (this.frame !== undefined) globalThis.cancelAnimationFrame?.(this.frame);
    this.timer = this.fallbackTimer = this.frame = undefined;
  }

  private flush = (): void => {
    this.clearTimers();
    const build = this.build;
    if (!build) return;
    this.build = null;
    this.lastFlushAt = now();
    const next = build();
    if (Object.is(next, this.snapshot)) return;
    this.snapshot = next;
    for (const listener of [...this.listeners]) listener();
  };
}
