import type { Store } from '@tokenstream/core';
import { computed, getCurrentInstance, getCurrentScope, onMounted, onScopeDispose, shallowRef, type Ref, type ShallowRef } from 'vue';


export type SnapshotRefs<S> = { readonly [K in keyof S]: Readonly<Ref<S[K]>> };

/**
 * Mirrors a core controller's snapshot into Vue: one shallowRef for the whole snapshot and one per field,
 * each updated only when its value changed, so a component that reads `status` does not re-render per token.
 * In a component it subscribes once mounted (so a server render never subscribes: a chat with `resume` joins on its
 * first subscription); elsewhere (a bare effect scope) at once. Disposing the current effect scope unsubscribes and
 * calls `release` (stops or leaves).
 */
export function mirrorSnapshot<S extends object>(
  store: Store<S>,
  release: () => void,
): { snapshot: Readonly<ShallowRef<S>>; refs: SnapshotRefs<S> } {
  const snapshot = shallowRef(store.getSnapshot());
  const fields = new Map<keyof S, ShallowRef<unknown>>();
  const refs = {} as Record<keyof S, Readonly<Ref<unknown>>>;
  for (const key of Object.keys(snapshot.value) as Array<keyof S>) {
    const field = shallowRef<unknown>(snapshot.value[key]);
    fields.set(key, field);
    refs[key] = computed(() => field.value);
  }

  const sync = () => {
    const next = store.getSnapshot();
    if (next === snapshot.value) return;
    snapshot.value = next;
    // A ref's setter ignores an equal value (Object.is): unchanged fields trigger nothing.
    for (const [key, field] of fields) field.value = next[key];
  };
  let unsubscribe: () => void = () => undefined;
  if (getCurrentInstance()) {
    onMounted(() => {
      sync(); // what changed between setup and mount
      unsubscribe = store.subscribe(sync);
    });
  } else {
    unsubscribe = store.subscribe(sync);
  }

  if (getCurrentScope()) {
    onScopeDispose(() => {
      unsubscribe();
      release();
    });
  }
  return { snapshot: computed(() => snapshot.value), refs: refs as SnapshotRefs<S> };
}
