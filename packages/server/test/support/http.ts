import { createServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { toNodeHandler, type Relay, type Upstream } from '../../src/index';

export interface Running {
  url: string;
  close(): Promise<void>;
}

async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** The app's call to the provider, as an app would write it (key in a header, signal passed on). */
export function fetchUpstream(url: string): Upstream {
  return async (signal, request) => fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-0123456789abcdef' },
    body: await request.text(),
    signal,
  });
}

/** A Node http server whose only route is the relay. */
export async function serveRelay(relay: Relay, upstream: Upstream): Promise<Running> {
  const server = createServer(toNodeHandler(relay, { upstream }));
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}/api/chat`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/**
 * A TCP proxy that cuts the first connection after `cutAfterBytes` bytes of response (both sockets destroyed:
 * the client sees the connection drop mid-stream), and forwards later connections untouched — to
 * `laterTargetUrl` when given, like a load balancer that sends the reconnect to another instance.
 */
export async function startCuttingProxy(targetUrl: string, cutAfterBytes: number, laterTargetUrl?: string):
  Promise<Running & { cuts: number }> {
  const target = new URL(targetUrl);
  const laterTarget = new URL(laterTargetUrl ?? targetUrl);
  const sockets = new Set<Socket>();
  let connections = 0;
  const proxy = {
    url: '',
    cuts: 0,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createTcpServer((client) => {
    const cutThis = connections++ === 0;
    const to = cutThis ? target : laterTarget;
    const upstream = connect(Number(to.port), to.hostname);
    sockets.add(client);
    sockets.add(upstream);
    let forwarded = 0;
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      if (!cutThis) {
        client.write(chunk);
        return;
      }
      const room = cutAfterBytes - forwarded;
      if (chunk.length < room) {
        forwarded += chunk.length;
        client.write(chunk);
        return;
      }
      client.write(chunk.subarray(0, Math.max(0, room)), () => {
        proxy.cuts++;
        client.destroy();
        upstream.destroy();
      });
    });
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', closeBoth);
    upstream.on('close', closeBoth);
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
  });
  const port = await listen(server);
  proxy.url = `http://127.0.0.1:${port}${target.pathname}`;
  return proxy;
}
