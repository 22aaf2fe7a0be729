import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Relay, Upstream } from './types.js';

export interface NodeHandlerOptions {
  upstream: Upstream;
  /**
   * The app's stream id (e.g. the chat id from the path) and the owner (the session's user id) of a request.
   * With a streamId, GET joins the stream and DELETE cancels it; POST starts (or supersedes) it.
   */
  identify?(req: IncomingMessage): { streamId?: string; owner?: string };
}

function requestHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  return headers;
}

/** The body: the raw stream, or what a body parser (express.json()/text()) already made of it. */
function requestBody(req: IncomingMessage): BodyInit | undefined {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  const parsed = (req as IncomingMessage & { body?: unknown }).body;
  if (parsed !== undefined && req.readableEnded) {
    if (typeof parsed === 'string') return parsed;
    if (parsed instanceof Uint8Array) return new Uint8Array(parsed);
    return JSON.stringify(parsed);
  }
  return Readable.toWeb(req) as ReadableStream<Uint8Array>;
}

/** Resolves when the socket can take more ('drain') or is gone ('close'), whichever comes first. */
function drainOrClose(res: ServerResponse): Promise<void> {
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

async function serve(relay: Relay, opts: NodeHandlerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const clientGone = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) clientGone.abort();
  });
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  const body = requestBody(req);
  const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers: requestHeaders(req), signal: clientGone.signal };
  if (body !== undefined) {
    init.body = body;
    init.duplex = 'half';
  }
  const request = new Request(url, init);
  const { streamId, owner } = opts.identify?.(req) ?? {};
  let response: Response;
  if (streamId !== undefined && req.method === 'GET') response = await relay.join(request, { streamId, owner });
  else if (streamId !== undefined && req.method === 'DELETE') response = await relay.cancel(request, { streamId, owner });
  else response = await relay.handle(request, { upstream: opts.upstream, streamId, owner });

  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  res.flushHeaders();
  if (!response.body) {
    res.end();
    return;
  }

  const reader = response.body.getReader();
  const cancel = () => void reader.cancel().catch(() => undefined);
  clientGone.signal.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      // Backpressure: the next chunk is read only once the socket took this one. The relay may end a client
      // that stopped reading (clientIdleTimeoutMs): that ends the wait too.
      if (!res.write(value)) await Promise.race([drainOrClose(res), reader.closed.catch(() => undefined)]);
    }
    if (!res.destroyed) res.end();
  } catch {
    // The relay's stream failed (e.g. the store went away): cut the connection so the client reconnects.
    res.destroy();
  } finally {
    clientGone.signal.removeEventListener('abort', cancel);
  }
}

/** Adapts a relay to Node's `http` (and Express/Connect/Fastify's raw) request listener. */
export function toNodeHandler(relay: Relay, opts: NodeHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    serve(relay, opts, req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'Relay failed before streaming', type: 'relay_error', code: 'relay_failed' } }));
      } else {
        res.destroy();
      }
      console.error('[@tokenstream/server] relay failed before streaming:', error instanceof Error ? error.name : 'error');
    });
  };
}
