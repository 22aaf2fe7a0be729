import { useEffect, useInsertionEffect, useMemo, useRef } from 'react';
import type { MountGate } from './lifecycle';
import type { Store } from '@tokenstream/core';
import { useSelectedSnapshot } from './use-selected';

/** A core controller as a component sees it: its options, store, idle snapshot, mount gate and actions. */
export interface Binding<S, O, A> {
  setOptions(options: O): void;
  store: Store<S>;
  idle: S;
  gate: MountGate;
  actions: A;
}

export const identity = <T>(value: T): T => value;

/**
 * The one hook behind useStream and useChat: one binding per component instance, created on first render and kept
 * in a ref (not useMemo, which React may drop), the render's options handed to the controller (TanStack Query's
 * observer.setOptions), the snapshot read through a memoized selector, and the gate told about mount and unmount.
 */
export function useBinding<O, S, A, T extends object>(
  options: O,
  create: (options: O) => Binding<S, O, A>,
  select: (snapshot: S) => T,
  isEqual: (a: T, b: T) => boolean,
): T & A {
  const bindingRef = useRef<Binding<S, O, A> | null>(null);
  if (bindingRef.current === null) bindingRef.current = create(options);
  const binding = bindingRef.current;
  // An insertion effect runs before every other effect of the commit: an effect that starts a stream sees these options.
  useInsertionEffect(() => {
    binding.setOptions(options);
  });

  useEffect(() => {
    binding.gate.mount();
    return () => binding.gate.unmount();
  }, [binding]);

  const selected = useSelectedSnapshot(binding.store, binding.idle, select, isEqual);
  return useMemo(() => ({ ...selected, ...binding.actions }), [selected, binding]);
}
