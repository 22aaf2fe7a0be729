// A fetch that replays one scripted response per request, recording every request body.

/** A response body part: bytes to send, or a promise the body waits for before going on. */
export type BodyPart = string | Promise<unknown>;

export interface ReplayFetch {
  fetch: typeof fetch;
  /** Parsed JSON body of every request, in call order. */
  bodies: unknown[];
  /** Requests whose response body has not ended yet. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Resolves when the nth request (1-based) has been made. */
  requested(n: number): Promise<void>;
}

/**
 * A fetch whose nth call answers with `respond(n, body)`: SSE parts streamed in order, waiting on the
 * promises among them. Aborting the request errors the body, as a real fetch does.
 */
export function replayFetch(respond: (call: number, body: unknown) => BodyPart[]): ReplayFetch {
  const bodies: unknown[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const encoder = new TextEncoder();

  const fakeFetch = async (_url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const body: unknown = JSON.parse(String(init?.body));
    bodies.push(body);
    const call = bodies.length;
    for (const waiter of waiters.filter((w) => w.n <= call)) waiter.resolve();
    const parts = respond(call, body);
    const signal = init?.signal ?? undefined;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let ended = false;
    const end = () => {
      if (!ended) {
        ended = true;
        inFlight--;
      }
    };
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        const onAbort = () => {
          end();
          try {
            controller.error(signal?.reason ?? new DOMException('aborted', 'AbortError'));
          } catch {
            // already closed
          }
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        try {
          for (const part of parts) {
            if (typeof part !== 'string') await part;
            else if (!ended) controller.enqueue(encoder.encode(part));
            if (ended) return;
          }
          end();
          controller.close();
        } finally {
          signal?.removeEventListener('abort', onAbort);
        }
      },
      cancel() {
        end();
      },
    });
    return new Response(stream, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  };

  return {
    fetch: fakeFetch as typeof fetch,
    bodies,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    requested(n) {
      if (bodies.length >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
  };
}
