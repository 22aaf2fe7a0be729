import { now } from '../clock';
import type { Pacing, PacingTarget } from '../smooth/paced-store';
import type { StreamOptions, StreamSnapshot } from '../types';
import { SnapshotStore } from './snapshot-store';

type PacingModule = typeof import('../smooth/paced-store');
/** Loaded once per page: later runs with `smooth` are paced from their first snapshot. */
let pacingModule: PacingModule | null = null;

/**
 * The stream's snapshot store. With `smooth`, what a run publishes goes through pacing (smooth/paced-store), a chunk
 * loaded on demand at the first start() that asks for it.
 */
export class StreamSnapshotStore extends SnapshotStore<StreamSnapshot> {
  private pacing: Pacing | null = null;
  /** While the pacing chunk loads for this start(): the run begins once it settles (unpaced if it failed to load). */
  ready: Promise<void> | null = null;
  private readonly unpaced: PacingTarget = {
    invalidate: (build) => super.invalidate(build),
    set: (next) => super.set(next),
    now,
  };

  /** Called at every start(): pacing on or off for this run, from scratch. */
  configure(smooth: StreamOptions['smooth']): void {
    this.pacing?.stop();
    this.pacing = null;
    this.ready = null;
    if (!smooth) return;
    if (pacingModule) {
      this.pacing = pacingModule.createPacing(smooth, this.unpaced);
      return;
    }
    const ready: Promise<void> = import('../smooth/paced-store').then(
      (module) => {
        pacingModule = module;
        if (this.ready !== ready) return; // configured again meanwhile
        this.ready = null;
        this.pacing = module.createPacing(smooth, this.unpaced);
      },
      () => {
        if (this.ready === ready) this.ready = null;
      },
    );
    this.ready = ready;
  }

  override invalidate(build: () => StreamSnapshot): void {
    if (this.pacing) this.pacing.invalidate(build);
    else super.invalidate(build);
  }

  override set(next: StreamSnapshot): void {
    if (this.pacing) this.pacing.set(next);
    else super.set(next);
  }

  override cancel(): void {
    this.pacing?.stop();
    super.cancel();
  }
}
