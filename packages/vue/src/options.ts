import { getCurrentScope, isRef, toRaw, toValue, unref, watchEffect, type MaybeRef, type MaybeRefOrGetter } from 'vue';

// Option fields whose value is itself a function: a getter for them would be ambiguous, so they take a ref or a value.
const FUNCTION_VALUED = new Set<PropertyKey>([
  'headers',
  'fetch',
  'WebSocket',
  'onEvent',
  'onDelta',
  'onFinish',
  'onError',
  'prepareBody',
]);
type FunctionValuedKey = 'headers' | 'fetch' | 'WebSocket' | 'onEvent' | 'onDelta' | 'onFinish' | 'onError' | 'prepareBody';

/** Every field may be a ref or a getter (function-valued fields: a ref or the function itself). */
export type ReactiveFields<T> = {
  [K in keyof T]: K extends FunctionValuedKey ? MaybeRef<T[K]> : MaybeRefOrGetter<T[K]>;
};

/** Options as a plain object, a ref or getter of the whole object, or an object of refs/getters per field. */
export type MaybeReactiveOptions<T extends object> = MaybeRefOrGetter<T> | ReactiveFields<T>;

/** Reads the options as they are now: refs and getters unwrapped, reactive proxies turned back into plain data. */
export function resolveOptions<T extends object>(source: MaybeReactiveOptions<T>): T {
  if (typeof source === 'function' || isRef(source)) return toRaw(toValue(source as MaybeRefOrGetter<T>));
  const resolved: Record<PropertyKey, unknown> = {};
  for (const key of Object.keys(source)) resolved[key] = resolveField(source, key);
  return resolved as T;
}

function resolveField<T extends object>(source: MaybeReactiveOptions<T>, key: PropertyKey): unknown {
  if (typeof source === 'function' || isRef(source)) return Reflect.get(resolveOptions(source), key);
  const value: unknown = Reflect.get(source, key);
  return toRaw(FUNCTION_VALUED.has(key) ? unref(value) : toValue(value));
}

/**
 * Hands the options to the controller as they are now, again whenever a ref or getter they read changes (one
 * synchronous watcher, stopped with the effect scope), so a chat step or a running stream's callbacks see current
 * values. Returns a reader for the actions, which also pick up fields mutated without reactivity.
 */
export function bindOptions<T extends object>(source: MaybeReactiveOptions<T>, setOptions: (options: T) => void): () => T {
  const read = () => resolveOptions(source);
  if (getCurrentScope()) watchEffect(() => setOptions(read()), { flush: 'sync' });
  return read;
}
