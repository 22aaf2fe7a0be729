import { useEffect, useInsertionEffect, useMemo, useRef } from 'react';
import type { Latest, MountGate } from './lifecycle';
import { useSelectedSnapshot, type ExternalStore } from './use-selected';

/** A core controller as a component sees it: its store, its idle snapshot, its mount gate and its actions. */
export interface Binding<S, A> {
  store: ExternalStore<S>;
  idle: S;
  gate: MountGate;
  actions: A;
}

export const identity = <T>(value: T): T => value;

/**
 * The one hook behind useStream and useChat: one binding per component instance, created on first render and kept
 * in a ref (not useMemo, which React may drop), options read through a latest-ref, the snapshot read through a
 * memoized selector, and the gate told about mount and unmount.
 */
export function useBinding<O, S, A, T extends object>(
  options: O,
  create: (latest: Latest<O>) => Binding<S, A>,
  select: (snapshot: S) => T,
  isEqual: (a: T, b: T) => boolean,
): T & A {
  const latest = useRef(options);
  useInsertionEffect(() => {
    latest.current = options;
  });

  const bindingRef = useRef<Binding<S, A> | null>(null);
  if (bindingRef.current === null) bindingRef.current = create(latest);
  const binding = bindingRef.current;

  useEffect(() => {
    binding.gate.mount();
    return () => binding.gate.unmount();
  }, [binding]);

  const selected = useSelectedSnapshot(binding.store, binding.idle, select, isEqual);
  return useMemo(() => ({ ...selected, ...binding.actions }), [selected, binding]);
}
