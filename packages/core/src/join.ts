import { DEFAULT_ACCEPT, resolveHeaders } from './transport/request';
import type { StreamOptions } from './types';

/** How the first GET of a join was answered. */
export type JoinOpening =
  | { kind: 'nothing-running' }
  | { kind: 'stopped' }
  /** A stream (or an error the run reports and retries as usual): handed to a run through `fetch`. */
  | { kind: 'response'; fetch: typeof fetch; release(): void };

/**
 * The first GET of a join, made before any status is published, so that a `204` (nothing running) changes nothing a
 * subscriber can see. Whatever else arrives (a stream, an error status, a network failure) is handed to the run as
 * the answer to its first request, through the returned `fetch`; later attempts (reconnects with `Last-Event-ID`)
 * go to the real fetch. Not a chunk loaded on demand: a page that resumes after a reload would wait for it before the
 * GET (about 0.3 KB gzip, against a round trip on the resume path).
 */
export async function openJoin(
  url: string,
  headers: () => Promise<Record<string, string>>,
  fetchImpl: typeof fetch,
  signal: AbortSignal,
): Promise<JoinOpening> {
  // The body outlives this call: it is aborted with the run's attempt, or here when stopped before the hand-off.
  const request = new AbortController();
  const forwardAbort = () => request.abort();
  signal.addEventListener('abort', forwardAbort, { once: true });
  let first: Promise<Response>;
  try {
    const resolved = await headers();
    if (signal.aborted) return { kind: 'stopped' };
    first = fetchImpl(url, { method: 'GET', headers: resolved, signal: request.signal });
    const response = await first;
    if (response.status === 204) {
      await response.body?.cancel().catch(() => undefined);
      return { kind: 'nothing-running' };
    }
  } catch (cause) {
    if (signal.aborted) return { kind: 'stopped' };
    first = Promise.reject(cause);
    first.catch(() => undefined); // read by the run's first attempt
  } finally {
    signal.removeEventListener('abort', forwardAbort);
  }
  if (signal.aborted) {
    request.abort();
    return { kind: 'stopped' };
  }
  let handedOff = false;
  const handOff: typeof fetch = (input, init) => {
    if (handedOff) return fetchImpl(input, init);
    handedOff = true;
    const attemptSignal = init?.signal;
    if (attemptSignal?.aborted) request.abort();
    else attemptSignal?.addEventListener('abort', () => request.abort(), { once: true });
    return first;
  };
  // A run that ended before its first request (stopped at once) never took the response: free its body.
  const release = () => {
    if (!handedOff) request.abort();
  };
  return { kind: 'response', fetch: handOff, release };
}

/** Headers of a join: the stream's own (a function is called again on every attempt) with `extra` on top. */
export function joinHeaders(headers: StreamOptions['headers'], extra: HeadersInit | undefined): () => Promise<Record<string, string>> {
  // resolveHeaders checks names and values without quoting them (a bad token must not reach an error message).
  return async () => ({ accept: DEFAULT_ACCEPT, ...(await resolveHeaders(headers)), ...(await resolveHeaders(extra)) });
}
