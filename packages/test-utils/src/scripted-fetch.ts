// A fetch that answers from a script: real Response objects with ReadableStream bodies, so the whole transport runs.

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal: AbortSignal | undefined;
}

export type Responder = (request: RecordedRequest, attempt: number) => Response | Promise<Response>;

export interface ScriptedFetch {
  fetch: typeof fetch;
  requests: RecordedRequest[];
}

export function scriptedFetch(responder: Responder): ScriptedFetch {
  const requests: RecordedRequest[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => (headers[name] = value));
    const request: RecordedRequest = {
      url: String(input),
      method: init.method ?? 'GET',
      headers,
      body: typeof init.body === 'string' ? init.body : undefined,
      signal: init.signal ?? undefined,
    };
    requests.push(request);
    if (init.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    return responder(request, requests.length);
  };
  return { fetch: fetchImpl as typeof fetch, requests };
}

export interface BodyScript {
  /** Byte chunks, sent in order. */
  chunks: Uint8Array[];
  /** After the chunks: end normally (default), error the stream (a network drop), or stay open. */
  end?: 'close' | 'error' | 'hang';
  /** Resolves once per chunk before it is sent (lets a test pace the stream). */
  before?: (index: number) => Promise<void> | void;
}

/** A body that honours the request's abort signal like a real one. */
function streamBody(script: BodyScript, signal?: AbortSignal): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (index < script.chunks.length) {
        await script.before?.(index);
        if (signal?.aborted) return controller.error(new DOMException('aborted', 'AbortError'));
        controller.enqueue(script.chunks[index++]!);
        return;
      }
      if (script.end === 'error') return controller.error(new TypeError('network error: connection reset'));
      if (script.end === 'hang') {
        await new Promise<void>((resolve) => {
          if (signal?.aborted) return resolve();
          signal?.addEventListener('abort', () => resolve(), { once: true });
        });
        return controller.error(new DOMException('aborted', 'AbortError'));
      }
      controller.close();
    },
  });
}

export function streamResponse(
  script: BodyScript,
  init: { status?: number; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Response {
  return new Response(streamBody(script, init.signal), {
    status: init.status ?? 200,
    headers: init.headers ?? { 'content-type': 'text/event-stream' },
  });
}
