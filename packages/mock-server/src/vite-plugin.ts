import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createMockHandler, type MockHandler, type MockServerOptions, type NextFunction } from './handler';

// The mock inside `vite dev` / `vite preview`. Its routes live under `/mock` by default, so they never shadow the
// app's own `/api/chat`; the unprefixed paths still answer, but only as a fallback after Vite's own middlewares and
// the app's (a proxy or plugin route for the same path wins). The types below are structural: the emitted .d.ts
// needs no `vite` types, which stay an optional peer.

/** The part of Vite's dev/preview server the plugin uses. */
export interface MockPluginServer {
  middlewares: {
    use(fn: (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void): unknown;
    use(route: string, fn: (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void): unknown;
  };
  httpServer: {
    on(event: 'upgrade', listener: (req: IncomingMessage, socket: Duplex, head: Buffer) => void): unknown;
    on(event: 'close', listener: () => void): unknown;
  } | null;
}

/** A Vite plugin (assignable to vite's `Plugin`). */
export interface MockStreamPlugin {
  name: string;
  configureServer(server: MockPluginServer): () => void;
  configurePreviewServer(server: MockPluginServer): () => void;
}

export const DEFAULT_PLUGIN_BASE_PATH = '/mock';

function mount(options: MockServerOptions, server: MockPluginServer): () => void {
  const prefixed = options.basePath === undefined;
  // One handler (one store, one stats()) for both mounts: connect strips the prefix before calling it.
  const handler: MockHandler = createMockHandler(prefixed ? { ...options, basePath: '' } : options);
  if (prefixed) server.middlewares.use(DEFAULT_PLUGIN_BASE_PATH, handler);
  else server.middlewares.use(handler);
  // Only our ws paths are taken; Vite's own HMR upgrade (and any other) is left alone.
  server.httpServer?.on('upgrade', (req, socket, head) => {
    const url = req.url ?? '/';
    if (prefixed && (url === DEFAULT_PLUGIN_BASE_PATH || url.startsWith(`${DEFAULT_PLUGIN_BASE_PATH}/`) || url.startsWith(`${DEFAULT_PLUGIN_BASE_PATH}?`))) {
      (req as IncomingMessage & { originalUrl?: string }).originalUrl ??= url;
      req.url = url.slice(DEFAULT_PLUGIN_BASE_PATH.length) || '/';
      if (!handler.handleUpgrade(req, socket, head)) req.url = url;
      return;
    }
    handler.handleUpgrade(req, socket, head);
  });
  server.httpServer?.on('close', () => handler.close());
  // Returned hook: runs after Vite's internal middlewares, so the unprefixed paths are a fallback only.
  return () => {
    if (prefixed) server.middlewares.use(handler);
  };
}

/**
 * Serves the mock routes (and the `/ws` endpoint) inside `vite dev` and `vite preview`, under `/mock` unless
 * `basePath` says otherwise (`/mock/v1/chat/completions`, `/mock/api/chat`, `ws://host/mock/ws`).
 */
export function mockStreamPlugin(options: MockServerOptions = {}): MockStreamPlugin {
  return {
    name: 'tokenstream-mock-server',
    configureServer: (server) => mount(options, server),
    configurePreviewServer: (server) => mount(options, server),
  };
}
