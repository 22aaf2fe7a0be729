/** How often the released text grows while a backlog is waiting (about one frame). */
export const PACE_TICK_MS = 16;
/** Arrivals within this window set the pace, so it follows the network's rate as it changes. */
const RATE_WINDOW_MS = 1000;
const DEFAULT_MAX_LAG_MS = 300;

interface Arrival {
  at: number;
  length: number;
}

/**
 * Decides how much of the arrived text to show: at the recent arrival rate (bursts are spread evenly over the time
 * until the next one), and never more than `maxLagMs` behind any character's arrival. Pure bookkeeping: the caller
 * reports arrivals and asks for the released length, both at times it gives.
 */
export class TextPacer {
  private arrivals: Arrival[] = [];
  private arrived = 0;
  private released = 0;
  private releasedAt: number | null = null;

  constructor(readonly maxLagMs: number = DEFAULT_MAX_LAG_MS) {}

  /** The text is now `length` characters long; it arrived (at the latest) at `at`. */
  arrive(length: number, at: number): void {
    if (length <= this.arrived) return;
    if (this.arrivals.length === 0) this.arrivals.push({ at, length: this.arrived });
    this.arrivals.push({ at, length });
    this.arrived = length;
  }

  /** Everything arrived is shown. */
  get caughtUp(): boolean {
    return this.released >= this.arrived;
  }

  /** The number of characters to show at time `at`. */
  release(at: number): number {
    if (this.caughtUp) return this.arrived;
    const elapsed = this.releasedAt === null ? 0 : Math.max(0, at - this.releasedAt);
    this.releasedAt = at;
    const backlog = this.arrived - this.released;
    const speed = Math.max(this.recentRate(at), backlog / this.maxLagMs);
    // A character that would be older than maxLagMs by the next tick is shown now.
    const due = this.arrivedBefore(at + PACE_TICK_MS - this.maxLagMs);
    this.released = Math.min(this.arrived, Math.max(this.released + speed * elapsed, due));
    return Math.floor(this.released);
  }

  /** Characters per ms over the recent window; a young stream counts at least maxLagMs so a first burst is spread. */
  private recentRate(at: number): number {
    // Older arrivals are released already (the window is at least twice the lag bound), so dropping them is safe.
    const window = Math.max(RATE_WINDOW_MS, 2 * this.maxLagMs);
    while (this.arrivals.length > 2 && this.arrivals[1]!.at < at - window) this.arrivals.shift();
    const first = this.arrivals[0]!;
    return (this.arrived - first.length) / Math.max(at - first.at, this.maxLagMs);
  }

  private arrivedBefore(at: number): number {
    let length = this.released;
    for (const arrival of this.arrivals) if (arrival.at <= at) length = Math.max(length, arrival.length);
    return length;
  }
}

/** `smooth` as given in the options, resolved; null when pacing is off (not asked for, or the user prefers reduced motion). */
export function resolveSmooth(smooth: boolean | { maxLagMs?: number } | undefined): { maxLagMs: number } | null {
  if (!smooth) return null;
  if (prefersReducedMotion()) return null;
  const maxLagMs = typeof smooth === 'object' ? smooth.maxLagMs : undefined;
  return { maxLagMs: maxLagMs !== undefined && maxLagMs > 0 ? maxLagMs : DEFAULT_MAX_LAG_MS };
}

function prefersReducedMotion(): boolean {
  const matchMedia = (globalThis as { matchMedia?: (query: string) => { matches: boolean } }).matchMedia;
  if (typeof matchMedia !== 'function') return false;
  try {
    return matchMedia('(prefers-reduced-motion: reduce)').matches;
  } catch {
    return false;
  }
}
