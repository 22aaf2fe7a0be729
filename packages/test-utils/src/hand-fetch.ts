// A `fetch` whose responses the test writes chunk by chunk, recording each request's headers, body and signal.

export interface FakeRequest {
  url: string;
  method: string;
  headers: Headers;
  body: string | null;
  signal: AbortSignal;
  /** Answer with a streaming body; write it with push()/end(). */
  respondStream(contentType?: string): void;
  /** Answer at once with a whole (non-streaming) body. */
  respond(status: number, body: string, headers?: Record<string, string>): void;
  push(chunk: string): void;
  end(): void;
  /** Whether the response body's reader was released (body ended, errored or cancelled). */
  readonly bodyClosed: boolean;
}

export interface FakeFetch {
  fetch: typeof fetch;
  requests: FakeRequest[];
  /** Resolves with the next request made (or one already made and not yet taken). */
  nextRequest(): Promise<FakeRequest>;
}

const encoder = new TextEncoder();

export function createFakeFetch(): FakeFetch {
  const requests: FakeRequest[] = [];
  const waiting: Array<(r: FakeRequest) => void> = [];
  let taken = 0;

  const fakeFetch = (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const signal = init.signal ?? new AbortController().signal;
    if (signal.aborted) return Promise.reject(signal.reason ?? new DOMException('Aborted', 'AbortError'));
    return new Promise<Response>((resolve, reject) => {
      let stream: ReadableStreamDefaultController<Uint8Array> | null = null;
      let closed = false;
      const abortError = () => signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
      signal.addEventListener(
        'abort',
        () => {
          reject(abortError());
          if (stream && !closed) {
            closed = true;
            stream.error(abortError());
          }
        },
        { once: true },
      );
      const request: FakeRequest = {
        url: String(input instanceof Request ? input.url : input),
        method: init.method ?? 'GET',
        headers: new Headers(init.headers),
        body: typeof init.body === 'string' ? init.body : null,
        signal,
        respondStream(contentType = 'text/event-stream') {
          const body = new ReadableStream<Uint8Array>({
            start(c) {
              stream = c;
            },
            cancel() {
              closed = true;
            },
          });
          resolve(new Response(body, { status: 200, headers: { 'content-type': contentType } }));
        },
        respond(status, text, headers = { 'content-type': 'application/json' }) {
          closed = true;
          resolve(new Response(text, { status, headers }));
        },
        push(chunk) {
          if (!stream || closed) throw new Error('push() on a closed or unanswered response');
          stream.enqueue(encoder.encode(chunk));
        },
        end() {
          if (!stream || closed) return;
          closed = true;
          stream.close();
        },
        get bodyClosed() {
          return closed;
        },
      };
      requests.push(request);
      const waiter = waiting.shift();
      if (waiter) {
        taken++;
        waiter(request);
      }
    });
  };

  return {
    fetch: fakeFetch as typeof fetch,
    requests,
    nextRequest() {
      if (taken < requests.length) return Promise.resolve(requests[taken++]!);
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
}
