import { createMockCore, type MockServerOptions, type MockStats } from './core';

// The mock server in process: a `fetch` that answers the mock's routes without a port, in Node, happy-dom, jsdom
// and browsers. Its bodies are real streams paced by setTimeout (read from globalThis at call time), so
// `vi.useFakeTimers()` controls them; aborting the request's signal errors the body as fetch does.

export interface MockFetch {
  (input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** The same figures as the server's `stats()`: streams, generations, open connections. */
  stats(): MockStats;
  /** Ends every stream and forgets them. */
  close(): void;
}

/** Relative urls resolve against the page (browsers, happy-dom, jsdom), else against `http://localhost`. */
function absolute(input: RequestInfo | URL): RequestInfo | URL {
  if (typeof input !== 'string' || /^[a-z][a-z0-9+.-]*:/i.test(input)) return input;
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  return new URL(input, base && /^https?:/.test(base) ? base : 'http://localhost/');
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** A `fetch` served by the mock: same routes, scenarios, faults, resume and `mockAnswer` as the server. */
export function createMockFetch(options: MockServerOptions = {}): MockFetch & typeof fetch {
  const core = createMockCore(options);
  const mockFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(absolute(input), init);
    if (request.signal.aborted) throw abortReason(request.signal);
    const response = await core.handleRequest(request, { transport: 'fetch' });
    if (request.signal.aborted) {
      await response.body?.cancel().catch(() => undefined);
      throw abortReason(request.signal);
    }
    return response;
  };
  return Object.assign(mockFetch, { stats: () => core.stats(), close: () => core.close() }) as MockFetch & typeof fetch;
}
