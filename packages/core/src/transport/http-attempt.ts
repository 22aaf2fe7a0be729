import { fetchEventSource } from '@microsoft/fetch-event-source';
import { StreamError } from '../errors';

export interface HttpRequestInit {
  url: string;
  method: string;
  /** Lower-case names; Last-Event-ID already set when resuming. */
  headers: Record<string, string>;
  body: BodyInit | undefined;
  fetch: typeof fetch;
  signal: AbortSignal;
}

/** A response and the call that ends the request once its body has been read (or given up). */
export interface OpenedResponse {
  response: Response;
  finish(): void;
}

const READ_COMPLETE = Symbol('read complete');

/**
 * One request. Where a DOM exists it goes through @microsoft/fetch-event-source as the request engine; its own parser
 * and retry loop are bypassed: `onopen` hands the response out and waits until it has been read, then throws, and
 * `onerror` rethrows, so the retry policy lives in one place (the engine). Without `window`/`document` (Node,
 * workers) the library cannot run — it calls window.setTimeout and document.removeEventListener — so the same
 * request is made with plain fetch.
 */
export async function openResponse(init: HttpRequestInit): Promise<OpenedResponse> {
  if (init.signal.aborted) throw abortedError();
  const request = { method: init.method, headers: init.headers, body: init.body };
  if (!hasDom()) {
    try {
      return { response: await init.fetch(init.url, { ...request, signal: init.signal }), finish: () => undefined };
    } catch (cause) {
      throw toRequestError(cause, init.signal);
    }
  }
  return new Promise<OpenedResponse>((resolve, reject) => {
    const userFetch = init.fetch;
    fetchEventSource(init.url, {
      ...request,
      signal: init.signal,
      openWhenHidden: true,
      fetch: (input, requestInit) => userFetch(input, requestInit),
      onopen: async (response) => {
        let finish!: () => void;
        const read = new Promise<void>((done) => (finish = done));
        resolve({ response, finish });
        await read;
        throw READ_COMPLETE;
      },
      onmessage: () => undefined,
      onerror: (error) => {
        throw error;
      },
    }).then(
      // The library resolves without a word when the signal aborts before a response.
      () => reject(abortedError()),
      (error: unknown) => {
        if (error !== READ_COMPLETE) reject(toRequestError(error, init.signal));
      },
    );
  });
}

function hasDom(): boolean {
  return typeof window !== 'undefined' && typeof document !== 'undefined';
}

function toRequestError(cause: unknown, signal: AbortSignal): StreamError {
  if (cause instanceof StreamError) return cause;
  if (signal.aborted) return abortedError();
  return new StreamError('network', 'The request failed before a response arrived', { cause, code: 'request_failed' });
}

export function abortedError(): StreamError {
  return new StreamError('aborted', 'The stream was stopped');
}
