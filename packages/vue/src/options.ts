import { isRef, toRaw, toValue, unref, type MaybeRef, type MaybeRefOrGetter } from 'vue';

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
 * An options object that the core controller, created once, reads from: every read resolves the user's
 * refs/getters at that moment (so each start()/send() and each chat step sees current values).
 * `fixed` entries (stable callback wrappers) win over the user's values.
 */
export function reactiveOptionsView<T extends object>(source: MaybeReactiveOptions<T>, fixed: Partial<T>): T {
  const has = (key: PropertyKey) => Reflect.has(fixed, key) || Reflect.has(resolveOptions(source), key);
  const get = (key: PropertyKey): unknown => (Reflect.has(fixed, key) ? Reflect.get(fixed, key) : resolveField(source, key));
  return new Proxy({} as T, {
    get: (_target, key) => get(key),
    has: (_target, key) => has(key),
    ownKeys: () => [...new Set([...Reflect.ownKeys(resolveOptions(source)), ...Reflect.ownKeys(fixed)])],
    getOwnPropertyDescriptor: (_target, key) =>
      has(key) ? { value: get(key), enumerable: true, configurable: true, writable: false } : undefined,
    set: () => false,
  });
}

/** The callback named `key` of the options as they are at call time. */
export function latestCallback<T extends object, K extends keyof T>(source: MaybeReactiveOptions<T>, key: K): T[K] | undefined {
  return resolveField(source, key) as T[K] | undefined;
}
