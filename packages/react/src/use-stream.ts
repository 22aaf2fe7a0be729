import { createStream } from '@tokenstream/core';
import type { StreamOptions, StreamSnapshot } from '@tokenstream/core';
import { MountGate, shallowEqual } from './lifecycle';
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

function createStreamBinding(options: StreamOptions): Binding<StreamSnapshot, StreamOptions, StreamActions> {
  // setOptions after every render: a start() reads that render's options, a running stream its newest callbacks.
  const controller = createStream(options);
  const gate = new MountGate(() => controller.stop());
  const actions: StreamActions = {
    start: (overrides) =>
      gate.defer('start', () => controller.start(overrides), () => controller.getSnapshot()),
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
    setOptions: (next) => controller.setOptions(next),
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
