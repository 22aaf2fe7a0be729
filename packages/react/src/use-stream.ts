import { createStream } from '@tokenstream/core';
import type { StreamOptions, StreamSnapshot } from '@tokenstream/core';
import { latestOptionsView, MountGate, shallowEqual, type Latest } from './lifecycle';
import { identity, useBinding, type Binding } from './use-binding';

export interface StreamActions {
  /** Starts a stream with the options of the latest render (plus `overrides`); resolves when it ends. */
  start(overrides?: Partial<StreamOptions>): Promise<StreamSnapshot>;
  /** Aborts; keeps the partial output. */
  stop(): void;
  /** Back to the idle snapshot. */
  reset(): void;
  /** Follows a stream running elsewhere: GET `url` from its start, then live; `204` stays idle. */
  join(url: string | URL, init?: { headers?: HeadersInit }): Promise<StreamSnapshot>;
}

export type UseStreamResult<T extends object = StreamSnapshot> = T & StreamActions;

function createStreamBinding(latest: Latest<StreamOptions>): Binding<StreamSnapshot, StreamActions> {
  // Stable wrappers: a stream already running calls the newest callbacks, not the ones it started with.
  const callbacks: Partial<StreamOptions> = {
    onEvent: (event) => latest.current.onEvent?.(event),
    onDelta: (delta) => latest.current.onDelta?.(delta),
    onFinish: (snapshot) => latest.current.onFinish?.(snapshot),
    onError: (error) => latest.current.onError?.(error),
  };
  const options = latestOptionsView(latest, callbacks);
  const controller = createStream(options);
  const gate = new MountGate(() => controller.stop());
  const actions: StreamActions = {
    // The latest options go in as overrides so url/headers/body changed since the controller was made apply.
    start: (overrides) =>
      gate.defer('start', () => controller.start({ ...options, ...overrides }), () => controller.getSnapshot()),
    stop: () => {
      gate.cancel(() => controller.getSnapshot());
      controller.stop();
    },
    reset: () => {
      gate.cancel(() => controller.getSnapshot());
      controller.reset();
    },
    join: (url, init) => gate.defer(`join:${String(url)}`, () => controller.join(url, init), () => controller.getSnapshot()),
  };
  return {
    store: { subscribe: (listener) => controller.subscribe(listener), getSnapshot: () => controller.getSnapshot() },
    idle: controller.getSnapshot(),
    gate,
    actions,
  };
}

/**
 * Streams an LLM answer into a component. Returns the snapshot fields with `start`, `stop`, `reset`.
 * With `select`, returns `select(snapshot)`'s fields instead and re-renders only when they change
 * (compared shallowly unless `isEqual` is given): `useStream(opts, (s) => ({ status: s.status }))`.
 *
 * One controller per component instance, created on first render and kept in a ref. Options are read from
 * the latest render whenever the stream needs them; unmounting stops the stream. Uses only React 18 APIs.
 */
export function useStream(options: StreamOptions): UseStreamResult;
export function useStream<T extends object>(
  options: StreamOptions,
  select: (snapshot: StreamSnapshot) => T,
  isEqual?: (a: T, b: T) => boolean,
): UseStreamResult<T>;
export function useStream<T extends object>(
  options: StreamOptions,
  select: (snapshot: StreamSnapshot) => T = identity as (snapshot: StreamSnapshot) => T,
  isEqual: (a: T, b: T) => boolean = select === identity ? Object.is : shallowEqual,
): UseStreamResult<T> {
  return useBinding(options, createStreamBinding, select, isEqual);
}
