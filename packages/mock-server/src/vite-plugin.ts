import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Plugin } from 'vite';
import { createMockHandler, type MockHandler, type MockServerOptions } from './handler';

interface UpgradableServer {
  on(event: 'upgrade', listener: (req: IncomingMessage, socket: Duplex, head: Buffer) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}

function mount(handler: MockHandler, middlewares: { use(fn: MockHandler): unknown }, httpServer: UpgradableServer | null) {
  middlewares.use(handler);
  // Only our ws path is taken; Vite's own HMR upgrade (and any other) is left alone.
  httpServer?.on('upgrade', (req, socket, head) => void handler.handleUpgrade(req, socket, head));
  httpServer?.on('close', () => handler.close());
}

/** Serves the mock routes (and the `/ws` endpoint) inside `vite dev` and `vite preview`. */
export function mockStreamPlugin(options: MockServerOptions = {}): Plugin {
  return {
    name: 'tokenstream-mock-server',
    configureServer(server) {
      mount(createMockHandler(options), server.middlewares, server.httpServer);
    },
    configurePreviewServer(server) {
      mount(createMockHandler(options), server.middlewares, server.httpServer);
    },
  };
}
