/**
 * A chunk loaded on demand (a dynamic import), once per page: every call shares the same load. A failed load (a
 * chunk request that failed, offline) is not kept: the next call tries again.
 */
export function onDemand<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}
