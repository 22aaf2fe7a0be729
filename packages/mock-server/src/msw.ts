import { http, type HttpHandler } from 'msw';
import { createMockCore, type MockServerOptions } from './core';

// The mock's routes as MSW request handlers, for apps whose component tests already use MSW (msw is an optional
// peer dependency of this package: only this entry imports it). Requests outside the mock's routes fall through
// to the app's other handlers.

export interface MockStreamHandlerOptions extends MockServerOptions {
  /** The origin the routes are served on, e.g. 'http://api.test'. Default: any origin. */
  baseUrl?: string;
}

export function mockStreamHandlers(options: MockStreamHandlerOptions = {}): HttpHandler[] {
  const { baseUrl, ...serverOptions } = options;
  const core = createMockCore(serverOptions);
  const origin = baseUrl === undefined ? null : new URL(baseUrl).origin;
  const handler = http.all('*', async ({ request }) => {
    const url = new URL(request.url);
    if ((origin !== null && url.origin !== origin) || !core.claims(url.pathname)) return undefined;
    return core.handleRequest(request, { transport: 'fetch' });
  });
  return [handler];
}
