import type { Store } from '@tokenstream/core';
import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';


/**
 * useSyncExternalStore through a memoized selector: a change of the store re-renders the component only when
 * `select(snapshot)` changed by `isEqual` (a status badge does not re-render per token).
 * `serverSnapshot` is what the server rendered (the idle snapshot), so hydration matches.
 */
export function useSelectedSnapshot<S, T>(
  store: Store<S>,
  serverSnapshot: S,
  select: (snapshot: S) => T,
  isEqual: (a: T, b: T) => boolean,
): T {
  // The selection last committed, so a new selector closure (inline arrow) keeps an equal value's identity.
  const committed = useRef<{ value: T } | null>(null);

  const [getSelection, getServerSelection] = useMemo(() => {
    let memo: { snapshot: S; value: T } | null = null;
    const pick = (snapshot: S): T => {
      if (memo !== null && memo.snapshot === snapshot) return memo.value;
      const next = select(snapshot);
      const previous = memo ?? committed.current;
      const value = previous !== null && isEqual(previous.value, next) ? previous.value : next;
      memo = { snapshot, value };
      return value;
    };
    return [() => pick(store.getSnapshot()), () => pick(serverSnapshot)] as const;
  }, [store, serverSnapshot, select, isEqual]);

  const value = useSyncExternalStore(store.subscribe, getSelection, getServerSelection);
  useEffect(() => {
    committed.current = { value };
  }, [value]);
  return value;
}
