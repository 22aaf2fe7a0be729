import { now } from '../clock';
import { onDemand } from '../on-demand';
import type { Pacing, PacingTarget } from '../smooth/paced-store';
import type { StreamOptions, StreamSnapshot } from '../types';
import { SnapshotStore } from './snapshot-store';

type PacingModule = typeof import('../smooth/paced-store');
/** Loaded once per page: later runs with `smooth` are paced from their first snapshot. */
let pacingModule: PacingModule | null = null;
const loadPacing = onDemand(() => import('../smooth/paced-store'));

/**
 * The stream's snapshot store. With `smooth`, what a run publishes goes through pacing (smooth/paced-store), a chunk
 * loaded on demand at the first start() that asks for it. The request does not wait for it: while it loads, changes
 * are held (the newest one) and go through pacing once it is there, so the stream is paced from its first snapshot; a
 * terminal snapshot (set) is shown at once, as pacing would show it (the whole text).
 */
export class StreamSnapshotStore extends SnapshotStore<StreamSnapshot> {
  private pacing: Pacing | null = null;
  /** While the pacing chunk loads for this start(); null once it settled (unpaced if it failed to load). */
  private loading: Promise<void> | null = null;
  /** The newest change made while pacing loads. */
  private held: (() => StreamSnapshot) | null = null;
  private readonly unpaced: PacingTarget = {
    invalidate: (build) => super.invalidate(build),
    set: (next) => super.set(next),
    now,
  };

  /** Called at every start(): pacing on or off for this run, from scratch. */
  configure(smooth: StreamOptions['smooth']): void {
    this.pacing?.stop();
    this.pacing = null;
    this.loading = null;
    this.held = null;
    if (!smooth) return;
    if (pacingModule) {
      this.pacing = pacingModule.createPacing(smooth, this.unpaced);
      return;
    }
    const loading: Promise<void> = loadPacing().then(
      (module) => {
        pacingModule = module;
        if (this.loading !== loading) return; // configured again meanwhile
        this.pacing = module.createPacing(smooth, this.unpaced);
        this.release();
      },
      () => {
        if (this.loading === loading) this.release();
      },
    );
    this.loading = loading;
  }

  /** Settles once the pacing chunk of this start() loaded (or failed to); null when nothing loads. */
  get ready(): Promise<void> | null {
    return this.loading;
  }

  /** Pacing settled: the held change goes through it (or straight out, when the chunk failed to load). */
  private release(): void {
    this.loading = null;
    const held = this.held;
    this.held = null;
    if (held) this.invalidate(held);
  }

  override invalidate(build: () => StreamSnapshot): void {
    if (this.loading) this.held = build;
    else if (this.pacing) this.pacing.invalidate(build);
    else super.invalidate(build);
  }

  override set(next: StreamSnapshot): void {
    this.held = null;
    if (this.pacing) this.pacing.set(next);
    else super.set(next);
  }

  override cancel(): void {
    this.held = null;
    this.pacing?.stop();
    super.cancel();
  }
}
