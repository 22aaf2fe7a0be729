import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// A real HTTP server on 127.0.0.1 (port 0) that answers each request with a web Response built by a producer library
// (AI SDK `toUIMessageStreamResponse()`, an AG-UI encoder...), headers and body as produced. `byteByByte` writes the
// body one byte per write, the hardest split a reader can meet.

export interface ServedRequest {
  method: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface WebResponseServer {
  url: string;
  requests: ServedRequest[];
  close(): Promise<void>;
}

export async function serveWebResponse(
  respond: (request: ServedRequest) => Response | Promise<Response>,
  options: { byteByByte?: boolean } = {},
): Promise<WebResponseServer> {
  const requests: ServedRequest[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const request = { method: req.method ?? 'GET', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(request);
      const response = await respond(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (!response.body) return void res.end();
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const bytes = typeof value === 'string' ? Buffer.from(value) : Buffer.from(value as Uint8Array);
        if (!options.byteByByte) res.write(bytes);
        else for (const byte of bytes) await writeAndDrain(res, Buffer.of(byte));
      }
      res.end();
    })().catch((error: unknown) => res.destroy(error as Error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/chat`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function writeAndDrain(res: import('node:http').ServerResponse, bytes: Buffer): Promise<void> {
  // Each byte leaves as its own write; awaiting the callback keeps Node from coalescing them in one buffer.
  return new Promise((resolve, reject) => res.write(bytes, (error) => (error ? reject(error) : resolve())));
}
