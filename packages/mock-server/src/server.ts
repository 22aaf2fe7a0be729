import { createServer, type Server } from 'node:http';
import { createMockHandler, type MockServerOptions, type MockStats } from './handler';

export interface RunningMockServer {
  /** `http://127.0.0.1:<port>` (no trailing slash); the WebSocket endpoint is `ws://127.0.0.1:<port>/ws`. */
  url: string;
  port: number;
  stats(): MockStats;
  /** Ends every stream and socket, then closes the server. */
  close(): Promise<void>;
}

export interface MockStreamServer {
  /** Listens on 127.0.0.1 (or `host`); port 0 / omitted picks a free port. */
  listen(port?: number, host?: string): Promise<RunningMockServer>;
}

/** A standalone HTTP + WebSocket server with the mock routes. */
export function createMockStreamServer(options: MockServerOptions = {}): MockStreamServer {
  return {
    listen(port = 0, host = '127.0.0.1') {
      const handler = createMockHandler(options);
      const server: Server = createServer((req, res) => handler(req, res));
      server.on('upgrade', (req, socket, head) => {
        if (!handler.handleUpgrade(req, socket, head)) socket.destroy();
      });
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address();
          const actualPort = typeof address === 'object' && address ? address.port : port;
          const shownHost = host.includes(':') ? `[${host}]` : host;
          resolve({
            url: `http://${shownHost}:${actualPort}${options.basePath ?? ''}`,
            port: actualPort,
            stats: () => handler.stats(),
            close: () =>
              new Promise<void>((done) => {
                handler.close();
                server.close(() => done());
                server.closeAllConnections();
              }),
          });
        });
      });
    },
  };
}
