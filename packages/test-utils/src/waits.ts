// Waits on conditions rather than fixed sleeps.

/** Anything with a snapshot and change notifications (stream and chat controllers). */
export interface Observable<S> {
  getSnapshot(): S;
  subscribe(listener: () => void): () => void;
}

/** Resolves with the first snapshot (current or later) that satisfies `ready`, checked on every notification. */
export function waitForSnapshot<S>(controller: Observable<S>, ready: (snapshot: S) => boolean): Promise<S> {
  return new Promise((resolve) => {
    if (ready(controller.getSnapshot())) return resolve(controller.getSnapshot());
    const off = controller.subscribe(() => {
      const snapshot = controller.getSnapshot();
      if (!ready(snapshot)) return;
      off();
      resolve(snapshot);
    });
  });
}

/** Polls `condition` every 5 ms; fails naming `what` after `timeoutMs` (for state outside a controller). */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Resolves after the current macrotask queue drained (lets fetch/reader promises settle without a fixed sleep). */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A promise with its resolve function, to gate a response or a tool from the test. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}
