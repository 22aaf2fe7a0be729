import { fetchEventSource } from '@microsoft/fetch-event-source';
import { StreamError } from '../errors';

export interface HttpAttemptOptions {
  url: string;
  method: string;
  /** Lower-case names; Last-Event-ID already set when resuming. */
  headers: Record<string, string>;
  body: BodyInit | undefined;
  fetch: typeof fetch;
  signal: AbortSignal;
  /** Reads the whole response (status checks and body); rejects with a StreamError. */
  readResponse(response: Response): Promise<void>;
}

const READ_COMPLETE = Symbol('read complete');

/**
 * One request. Where a DOM exists it goes through @microsoft/fetch-event-source as the request engine; its own parser
 * and retry loop are bypassed: `onopen` reads the body with our parser and then throws, and `onerror` rethrows, so the
 * retry policy lives in one place (stream.ts). Without `window`/`document` (Node, workers) the library cannot run —
 * it calls window.setTimeout and document.removeEventListener — so the same request is made with plain fetch.
 */
export async function runHttpAttempt(options: HttpAttemptOptions): Promise<void> {
  if (options.signal.aborted) throw abortedError();
  const init = { method: options.method, headers: options.headers, body: options.body };
  if (!hasDom()) {
    let response: Response;
    try {
      response = await options.fetch(options.url, { ...init, signal: options.signal });
    } catch (cause) {
      throw toRequestError(cause, options.signal);
    }
    return options.readResponse(response);
  }

  let reading: Promise<void> | undefined;
  let failure: unknown;
  const userFetch = options.fetch;
  await fetchEventSource(options.url, {
    ...init,
    signal: options.signal,
    openWhenHidden: true,
    fetch: (input, requestInit) => userFetch(input, requestInit),
    onopen: async (response) => {
      reading = options.readResponse(response);
      await reading;
      throw READ_COMPLETE;
    },
    onmessage: () => undefined,
    onerror: (error) => {
      throw error;
    },
  }).catch((error: unknown) => {
    if (error !== READ_COMPLETE) failure = error;
  });
  if (reading) return reading;
  if (options.signal.aborted) throw abortedError();
  throw toRequestError(failure, options.signal);
}

function hasDom(): boolean {
  return typeof window !== 'undefined' && typeof document !== 'undefined';
}

function toRequestError(cause: unknown, signal: AbortSignal): StreamError {
  if (cause instanceof StreamError) return cause;
  if (signal.aborted) return abortedError();
  return new StreamError('network', 'The request failed before a response arrived', { cause });
}

export function abortedError(): StreamError {
  return new StreamError('aborted', 'The stream was stopped');
}
