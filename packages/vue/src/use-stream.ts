import { createStream } from '@tokenstream/core';
import type { StreamController, StreamOptions, StreamSnapshot } from '@tokenstream/core';
import type { ShallowRef } from 'vue';
import { mirrorSnapshot, type SnapshotRefs } from './mirror';
import { bindOptions, resolveOptions, type MaybeReactiveOptions } from './options';

export type UseStreamOptions = MaybeReactiveOptions<StreamOptions>;

export type UseStreamReturn = SnapshotRefs<StreamSnapshot> & {
  /** The whole snapshot, for watching several fields at once. */
  snapshot: Readonly<ShallowRef<StreamSnapshot>>;
  /** Starts a stream with the options as they are now (refs/getters read here) plus `overrides`. */
  start(overrides?: Partial<StreamOptions>): Promise<StreamSnapshot>;
  /** Aborts; keeps the partial output. */
  stop(): void;
  /** Back to the idle snapshot. */
  reset(): void;
  /** Follows a stream running elsewhere: GET `url` from its start, then live; `204` stays idle. */
  join(url: string | URL, init?: { headers?: HeadersInit }): Promise<StreamSnapshot>;
  /** The core controller, for anything the refs do not cover. */
  controller: StreamController;
};

/**
 * Streams an LLM answer into readonly refs (`text`, `status`, `error`, ... one per snapshot field).
 * Options may be refs/getters (per field or the whole object); they are read when the stream needs them.
 * Disposing the calling effect scope (component unmount) stops the stream.
 */
export function useStream(options: UseStreamOptions): UseStreamReturn {
  const controller = createStream(resolveOptions(options));
  const read = bindOptions(options, (next) => controller.setOptions(next));
  const { snapshot, refs } = mirrorSnapshot(controller, () => controller.stop());
  return {
    ...refs,
    snapshot,
    start: (overrides) => {
      controller.setOptions(read());
      return controller.start(overrides);
    },
    stop: () => controller.stop(),
    reset: () => controller.reset(),
    join: (url, init) => {
      controller.setOptions(read());
      return controller.join(url, init);
    },
    controller,
  };
}
