/** Monotonic milliseconds where `performance` exists (browsers, Node, workers), wall-clock otherwise. */
export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
