/**
 * The mock server's WebSocket protocol (endpoint `/ws`), one stream per connection:
 *
 * client -> server, first message:
 *   {"type":"start","route":"/v1/chat/completions","body":{...},"lastEventId"?:"<streamId>:<seq>"}
 *   `route` is any streaming route (query string allowed, Gemini needs no alt=sse here) or `/streams/<id>`;
 *   it may be omitted when the socket was opened on that route's own path (ws://host/v1/chat/completions);
 *   scenario options come from `body.mock` and the ws URL's query, as over HTTP.
 * client -> server, later: {"type":"stop"} (or just close the socket).
 *
 * server -> client:
 *   {"type":"event","event":"message","data":"...","id":"<streamId>:<seq>"}  one per SSE event / NDJSON line /
 *       text chunk, with the same event name and data as over HTTP (id "" when ids are off or for an injected fault event)
 *   {"type":"heartbeat"}                                   when idle for heartbeatMs
 *   {"type":"end"}                                         the stream finished; the server then closes (1000)
 *   {"type":"error","status":429,"message":"...","body":"...","retryAfterMs"?:2000}
 *       what would have been an HTTP error response (bad request, unknown stream, status fault); then close (1000)
 *
 * Faults: dropAfterEvents / dropAfterBytes (counting message bytes) terminate the socket without a close frame
 * (the client sees 1006); stall, malformed and in-band errors behave as over HTTP; html200 and slowDrip have no
 * WebSocket form and are ignored. Each message waits for the socket to take the previous one (backpressure).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { MockCore } from './core';
import { matchRoute, planRejoin, planStream, type Plan } from './plan';
import { pumpEvents, type ConnectionStat, type EventSink, type OutgoingEvent } from './pump';
import { ScenarioError, resolveScenario } from './scenario';

export interface WebSocketEndpoint {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

const START_TIMEOUT_MS = 10_000;

class WebSocketEventSink implements EventSink {
  bytesWritten = 0;
  private isClosed = false;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private lastSendAt = Date.now();
  private pendingSends = 0;

  constructor(
    private readonly ws: WebSocket,
    private readonly dropAfterBytes: number | undefined,
    heartbeatMs: number,
  ) {
    ws.on('close', () => this.markClosed());
    if (heartbeatMs > 0) {
      this.heartbeat = setInterval(() => {
        if (this.pendingSends === 0 && Date.now() - this.lastSendAt >= heartbeatMs) void this.sendMessage({ type: 'heartbeat' });
      }, Math.max(5, Math.floor(heartbeatMs / 2)));
    }
  }

  get closed(): boolean {
    return this.isClosed;
  }

  send(e: OutgoingEvent): Promise<boolean> {
    return this.sendMessage({ type: 'event', event: e.event ?? 'message', data: e.data, id: e.id ?? '' });
  }

  sendMessage(message: object): Promise<boolean> {
    if (this.isClosed) return Promise.resolve(false);
    const text = JSON.stringify(message);
    const size = Buffer.byteLength(text);
    if (this.dropAfterBytes !== undefined && this.bytesWritten + size > this.dropAfterBytes) {
      this.drop();
      return Promise.resolve(false);
    }
    this.bytesWritten += size;
    this.lastSendAt = Date.now();
    this.pendingSends++;
    return new Promise((resolve) =>
      this.ws.send(text, (err) => {
        this.pendingSends--;
        resolve(!err && !this.isClosed);
      }),
    );
  }

  end(): void {
    void this.sendMessage({ type: 'end' }).then(() => {
      this.markClosed();
      this.ws.close(1000, 'end');
    });
  }

  drop(): void {
    this.markClosed();
    this.ws.terminate();
  }

  markClosed(): void {
    this.isClosed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
  }
}

interface StartMessage {
  route: string;
  body: unknown;
  lastEventId: string;
}

/**
 * `mountPrefix`: what the socket's URL has before the mock's own path (a basePath, or the Vite plugin's `/mock`).
 * A client that names the route by its full path (`/mock/v1/chat/completions`) means the mock's `/v1/...`.
 */
function parseStart(raw: string, upgradePath: string, mountPrefix: string): StartMessage | string {
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch {
    return 'the first message must be JSON: {"type":"start","route":...,"body":...}';
  }
  if (typeof msg !== 'object' || msg === null) return 'the first message must be a JSON object';
  const m = msg as Record<string, unknown>;
  if (m.type !== 'start') return 'the first message must have type "start"';
  const named = m.route ?? upgradePath;
  if (typeof named !== 'string') return '"route" must be a string such as "/v1/chat/completions"';
  const prefixed = mountPrefix !== '' && (named.startsWith(`${mountPrefix}/`) || named.startsWith(`${mountPrefix}?`));
  const route = prefixed ? named.slice(mountPrefix.length) : named;
  if (m.lastEventId !== undefined && typeof m.lastEventId !== 'string') return '"lastEventId" must be a string';
  return { route, body: m.body ?? {}, lastEventId: (m.lastEventId as string | undefined) ?? '' };
}

function sendErrorAndClose(ws: WebSocket, status: number, message: string, body?: string, retryAfter?: number): void {
  const msg: Record<string, unknown> = { type: 'error', status, message };
  if (body !== undefined) msg.body = body;
  if (retryAfter !== undefined) msg.retryAfterMs = retryAfter * 1000;
  ws.send(JSON.stringify(msg), () => ws.close(1000, 'error'));
}

function planFor(core: MockCore, start: StartMessage, query: URLSearchParams): Plan | { kind: 'bad'; message: string } {
  try {
    const url = new URL(start.route, 'http://mock.local');
    for (const [k, v] of url.searchParams) if (!query.has(k)) query.set(k, v);
    const rejoin = /^\/streams\/([^/]+)$/.exec(url.pathname);
    if (rejoin) return planRejoin(core.store, decodeURIComponent(rejoin[1]), resolveScenario({ defaults: core.options, query }), start.lastEventId);
    const route = matchRoute(url.pathname);
    if (!route) return { kind: 'bad', message: `mock-server: no streaming route ${url.pathname}` };
    const scenario = resolveScenario({ defaults: core.options, query, body: start.body });
    const rawBody = typeof start.body === 'string' ? start.body : JSON.stringify(start.body);
    return planStream(core.store, { route, body: start.body, rawBody, scenario, lastEventId: start.lastEventId });
  } catch (e) {
    if (e instanceof ScenarioError) return { kind: 'bad', message: e.message };
    if (e instanceof URIError || e instanceof TypeError) return { kind: 'bad', message: `mock-server: bad route ${JSON.stringify(start.route.slice(0, 200))}` };
    throw e;
  }
}

async function serve(core: MockCore, ws: WebSocket, start: StartMessage, query: URLSearchParams): Promise<void> {
  const plan = planFor(core, start, query);
  if (plan.kind === 'bad') return sendErrorAndClose(ws, 400, plan.message);
  if (plan.kind === 'error') return sendErrorAndClose(ws, plan.status, plan.message, plan.body, plan.retryAfter);
  if (plan.kind === 'html200') return sendErrorAndClose(ws, 500, 'mock-server: html200 has no WebSocket form');
  const { stream, scenario, fault } = plan;
  const sink = new WebSocketEventSink(ws, fault?.dropAfterBytes, scenario.heartbeatMs);
  const closed = new AbortController();
  ws.on('close', () => closed.abort(new Error('socket closed')));
  ws.on('message', (data) => {
    if (String(data).includes('"stop"')) ws.close(1000, 'stopped');
  });
  const stat: ConnectionStat = { streamId: stream.id, route: start.route, transport: 'websocket', bufferedBytes: 0, bytesWritten: 0, eventsWritten: 0 };
  Object.defineProperties(stat, {
    bufferedBytes: { get: () => ws.bufferedAmount, enumerable: true },
    bytesWritten: { get: () => sink.bytesWritten, enumerable: true },
  });
  core.connections.add(stat);
  try {
    await pumpEvents({
      stream,
      startSeq: plan.startSeq,
      fault,
      ids: scenario.ids,
      sink,
      signal: closed.signal,
      onEvent: () => stat.eventsWritten++,
    });
  } finally {
    core.connections.delete(stat);
  }
}

export function createWebSocketEndpoint(core: MockCore): WebSocketEndpoint {
  const wss = new WebSocketServer({ noServer: true, maxPayload: core.options.maxBodyBytes ?? 1024 * 1024 });
  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    const upgradeUrl = new URL(req.url ?? '/', 'http://mock.local');
    const query = upgradeUrl.searchParams;
    const upgradePath = upgradeUrl.pathname.slice((core.options.basePath ?? '').length);
    // connect-style mounts (the Vite plugin) keep the full url in originalUrl.
    const fullPath = new URL((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/', 'http://mock.local').pathname;
    const mountPrefix = fullPath.endsWith(upgradePath) ? fullPath.slice(0, fullPath.length - upgradePath.length) : '';
    const timer = setTimeout(() => ws.close(1008, 'no start message'), START_TIMEOUT_MS);
    ws.once('message', (data) => {
      clearTimeout(timer);
      const start = parseStart(String(data), upgradePath, mountPrefix);
      if (typeof start === 'string') return sendErrorAndClose(ws, 400, `mock-server: ${start}`);
      serve(core, ws, start, query).catch(() => ws.terminate());
    });
    ws.on('close', () => clearTimeout(timer));
    ws.on('error', () => ws.terminate());
  });
  return {
    handleUpgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
