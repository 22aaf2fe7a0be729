/**
 * A body produced on demand (pull, no read-ahead): `next(index)` gives each chunk (a string is UTF-8 encoded), null
 * to end, an Error to fail the read. `source` counts what was taken from it and says whether it was cancelled.
 */
export function pulledBody(next: (index: number) => Uint8Array | string | null | Error) {
  const source = { pulledBytes: 0, cancelled: false };
  const encoder = new TextEncoder();
  let index = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = next(index++);
      if (chunk === null) return controller.close();
      if (chunk instanceof Error) return controller.error(chunk);
      const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
      source.pulledBytes += bytes.byteLength;
      controller.enqueue(bytes);
    },
    cancel() {
      source.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { body, source };
}
