import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createMockCore, DEFAULT_MAX_BODY_BYTES, type MockCore, type MockServerOptions, type MockStats } from './core';
import { matchRoute } from './plan';
import { createWebSocketEndpoint, type WebSocketEndpoint } from './ws';

// The Node adapter: IncomingMessage -> Request, the core's Response -> ServerResponse, with 'drain' backpressure
// (each chunk is handed to the socket before the next one is read from the body, so a reader that stops
// reading stops the stream) and a drop that cuts exactly after the bytes the body gave.

export type { MockServerOptions, MockStats } from './core';

export type NextFunction = (err?: unknown) => void;

export interface MockHandler {
  (req: IncomingMessage, res: ServerResponse, next?: NextFunction): void;
  /** Handles a WebSocket upgrade for the ws path; returns false (socket untouched) for any other path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  stats(): MockStats;
  /** Stops every stream and socket and forgets all streams. */
  close(): void;
}

const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE']);

/** Reads at most `limit + 1` bytes (enough for the core to answer 413), then lets the rest drain. */
function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        resolve(new Uint8Array(Buffer.concat(chunks).subarray(0, limit + 1)));
      }
    };
    req.on('data', onData);
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

function requestHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    try {
      headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    } catch {
      // a header value fetch would refuse; the mock reads none it could not parse
    }
  }
  return headers;
}

function sendJson(res: ServerResponse, status: number, message: string, type: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `mock-server: ${message}`, type } }));
}

/** Resolves on 'drain' (or when the response closed). */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

async function sendResponse(response: Response, res: ServerResponse, onClose: () => void): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  res.writeHead(response.status, headers);
  if (!response.body) return void res.end();
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  const reader = response.body.getReader();
  res.on('close', () => {
    if (res.writableFinished) return;
    onClose();
    reader.cancel().catch(() => undefined);
  });
  /** Settles when the latest chunk reached the socket. */
  let flushed: Promise<void> = Promise.resolve();
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      await flushed;
      return void res.destroy(); // a dropped body: cut the connection right after the bytes it gave
    }
    if (chunk.done) return void res.end();
    if (res.destroyed) return void reader.cancel().catch(() => undefined);
    flushed = new Promise((resolve) => res.write(chunk.value, () => resolve()));
    if (res.writableNeedDrain) await drained(res);
  }
}

async function serveNode(core: MockCore, req: IncomingMessage, res: ServerResponse, next?: NextFunction): Promise<void> {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://mock.local');
  } catch {
    return sendJson(res, 400, 'the request target is not a valid URL', 'invalid_request_error');
  }
  if (next && !core.claims(url.pathname)) return next();
  const method = (req.method ?? 'GET').toUpperCase();
  const body = BODYLESS.has(method) ? undefined : await readBody(req, core.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  const aborted = new AbortController();
  let request: Request;
  try {
    request = new Request(url, { method, headers: requestHeaders(req), signal: aborted.signal, ...(body ? { body } : {}) });
  } catch {
    return sendJson(res, 405, `the method ${JSON.stringify(method.slice(0, 20))} is not served`, 'invalid_request_error');
  }
  const response = await core.handleRequest(request, { transport: 'http', bufferedBytes: () => res.writableLength });
  await sendResponse(response, res, () => aborted.abort(new Error('client gone')));
}

/** Answers an upgrade the mock cannot serve, without letting an error escape the 'upgrade' listener. */
function refuseUpgrade(socket: Duplex, status: 400 | 404): void {
  const text = status === 400 ? 'Bad Request' : 'Not Found';
  try {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  } catch {
    socket.destroy();
  }
}

/** The mock's routes as a Node/Connect handler: `(req, res, next?)`; unknown paths go to `next` when given. */
export function createMockHandler(options: MockServerOptions = {}): MockHandler {
  const core = createMockCore(options);
  let ws: WebSocketEndpoint | null = null;
  const handler = (req: IncomingMessage, res: ServerResponse, next?: NextFunction) => {
    serveNode(core, req, res, next).catch((error: unknown) => {
      sendJson(res, 500, `internal error: ${error instanceof Error ? error.name : 'unknown'}`, 'server_error');
    });
  };
  return Object.assign(handler, {
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
      try {
        const path = new URL(req.url ?? '/', 'http://mock.local').pathname;
        const base = options.basePath ?? '';
        if (!path.startsWith(base)) return false;
        const local = path.slice(base.length);
        try {
          decodeURIComponent(local);
        } catch {
          refuseUpgrade(socket, 400);
          return true;
        }
        // The ws endpoint, or a streaming route's own path (then the start message may omit `route`).
        if (local !== (options.wsPath ?? '/ws') && !matchRoute(local) && !/^\/streams\/[^/]+$/.test(local)) return false;
        ws ??= createWebSocketEndpoint(core);
        ws.handleUpgrade(req, socket, head);
        return true;
      } catch {
        refuseUpgrade(socket, 400);
        return true;
      }
    },
    stats: (): MockStats => core.stats(),
    close(): void {
      core.close();
      ws?.close();
    },
  });
}
