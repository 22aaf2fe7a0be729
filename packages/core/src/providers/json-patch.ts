import { StreamError } from '../errors';

// JSON Patch (RFC 6902) over JSON Pointers (RFC 6901), for AG-UI STATE_DELTA. Copy on write: the document passed in
// is never changed, only the containers along a changed path are copied (each at most once per patch, so a patch of
// many operations on a large state costs the state's size once, not once per operation), and earlier snapshots keep
// their state. A patch applies whole or not at all: any failing operation throws a 'parse' StreamError.

type Container = Record<string, unknown> | unknown[];

const INVALID_STATE_PATCH = 'invalid_state_patch';

/** Keys that would reach an object's prototype through `obj[key] = ...`; a state never needs them. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** More segments than any real state is deep; keeps the recursion bounded whatever the patch says. */
const MAX_PATH_SEGMENTS = 512;

export function applyJsonPatch(document: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw patchError('a patch must be an array of operations');
  // Containers this patch copied: not shared with the input, so later operations may change them in place.
  const owned = new WeakSet<object>();
  let out = document;
  for (const operation of patch) out = applyOperation(out, operation, owned);
  return out;
}

function applyOperation(document: unknown, operation: unknown, owned: WeakSet<object>): unknown {
  if (typeof operation !== 'object' || operation === null || Array.isArray(operation)) {
    throw patchError('an operation must be an object');
  }
  const op = operation as Record<string, unknown>;
  const path = parsePointer(op.path);
  switch (op.op) {
    case 'add':
      return add(document, path, requireValue(op), owned);
    case 'remove':
      return remove(document, path, owned);
    case 'replace':
      if (path.length === 0) return requireValue(op);
      readAt(document, path); // must exist
      return add(remove(document, path, owned), path, requireValue(op), owned);
    case 'move': {
      const from = parsePointer(op.from);
      if (from.length < path.length && from.every((segment, i) => segment === path[i])) {
        throw patchError('cannot move a value into one of its own children');
      }
      const value = readAt(document, from);
      return add(remove(document, from, owned), path, value, owned);
    }
    case 'copy':
      // A copy must not share containers with its source: later operations may change either in place.
      return add(document, path, structuredJsonClone(readAt(document, parsePointer(op.from))), owned);
    case 'test':
      if (!jsonEqual(readAt(document, path), requireValue(op))) throw patchError(`test failed at "${pointerText(path)}"`);
      return document;
    default:
      throw patchError(`unknown operation ${JSON.stringify(String(op.op)).slice(0, 40)}`);
  }
}

function requireValue(op: Record<string, unknown>): unknown {
  if (!('value' in op)) throw patchError(`"${String(op.op)}" needs a value`);
  return op.value;
}

function parsePointer(pointer: unknown): string[] {
  if (typeof pointer !== 'string') throw patchError('a path must be a string');
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw patchError(`a path must start with "/": ${pointer.slice(0, 60)}`);
  const segments = pointer.slice(1).split('/');
  if (segments.length > MAX_PATH_SEGMENTS) throw patchError('a path is deeper than any state');
  return segments.map((segment) => {
    const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    if (FORBIDDEN_KEYS.has(key)) throw patchError(`a path may not name "${key}"`);
    return key;
  });
}

function readAt(document: unknown, path: string[]): unknown {
  let node = document;
  for (const segment of path) {
    if (Array.isArray(node)) node = node[arrayIndex(node, segment, false)];
    else if (isRecord(node) && Object.hasOwn(node, segment)) node = node[segment];
    else throw patchError(`nothing at "${pointerText(path)}"`);
  }
  return node;
}

function add(document: unknown, path: string[], value: unknown, owned: WeakSet<object>): unknown {
  if (path.length === 0) return value;
  return changeParent(document, path, owned, (parent, key) => {
    if (Array.isArray(parent)) parent.splice(key === '-' ? parent.length : arrayIndex(parent, key, true), 0, value);
    else parent[key] = value;
  });
}

function remove(document: unknown, path: string[], owned: WeakSet<object>): unknown {
  if (path.length === 0) throw patchError('cannot remove the whole state');
  return changeParent(document, path, owned, (parent, key) => {
    if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false), 1);
    else if (Object.hasOwn(parent, key)) delete parent[key];
    else throw patchError(`nothing to remove at "${pointerText(path)}"`);
  });
}

/** Copies the containers from the root down to the path's parent, then lets `change` edit the copied parent. */
function changeParent(
  document: unknown,
  path: string[],
  owned: WeakSet<object>,
  change: (parent: Container, key: string) => void,
): unknown {
  const root = copyContainer(document, path, owned);
  let parent = root;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i]!;
    const key = Array.isArray(parent) ? arrayIndex(parent, segment, false) : segment;
    if (!Array.isArray(parent) && !Object.hasOwn(parent, segment)) throw patchError(`nothing at "${pointerText(path)}"`);
    const child = copyContainer((parent as Record<string | number, unknown>)[key], path, owned);
    (parent as Record<string | number, unknown>)[key] = child;
    parent = child;
  }
  change(parent, path[path.length - 1]!);
  return root;
}

function copyContainer(node: unknown, path: string[], owned: WeakSet<object>): Container {
  if ((Array.isArray(node) || isRecord(node)) && owned.has(node)) return node;
  let copy: Container;
  if (Array.isArray(node)) copy = [...node];
  else if (isRecord(node)) copy = { ...node };
  else throw patchError(`"${pointerText(path)}" goes through a value that is not an object or array`);
  owned.add(copy);
  return copy;
}

/** A deep copy of a JSON value (a state holds JSON values only). */
function structuredJsonClone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(structuredJsonClone);
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    // defineProperty keeps a "__proto__" key that came from JSON as plain data.
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(out, key, { value: structuredJsonClone(item), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

function arrayIndex(array: unknown[], segment: string, forInsert: boolean): number {
  if (!/^(0|[1-9][0-9]*)$/.test(segment)) throw patchError(`"${segment.slice(0, 20)}" is not an array index`);
  const index = Number(segment);
  if (index > array.length || (!forInsert && index === array.length)) throw patchError(`index ${segment} is out of range`);
  return index;
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
  }
  return false;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pointerText(path: string[]): string {
  return path.map((segment) => `/${segment}`).join('').slice(0, 80);
}

function patchError(message: string): StreamError {
  return new StreamError('parse', `ag-ui: invalid STATE_DELTA: ${message}`, { code: INVALID_STATE_PATCH });
}
