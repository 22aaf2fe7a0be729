import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { HttpEventSink } from './http-sink';
import { HTML_ERROR_PAGE, ROUTES, errorPlan, matchRoute, planRejoin, planStream, type ErrorPlan, type Plan } from './plan';
import { pumpEvents, type ConnectionStat } from './pump';
import { ScenarioError, resolveScenario, type MockScenarioInput } from './scenario';
import { DEFAULT_LIMITS, StreamStore, type StoreLimits } from './stream-store';
import { createWebSocketEndpoint, type WebSocketEndpoint } from './ws';
import { FORMATS } from './formats';

export interface MockServerOptions extends MockScenarioInput {
  /** Serve the routes under this prefix (e.g. '/mock'). Default ''. */
  basePath?: string;
  /** WebSocket endpoint path (under basePath). Default '/ws'. */
  wsPath?: string;
  /** Resume-log bounds. */
  limits?: Partial<StoreLimits>;
  /** Larger request bodies get 413. Default 1 MiB. */
  maxBodyBytes?: number;
}

export interface MockStats {
  /** Streams kept for resume. */
  streams: number;
  /** Bytes held by all resume logs. */
  logBytes: number;
  /** Open streaming connections; `bufferedBytes` is what a slow reader makes the server hold for it. */
  connections: ConnectionStat[];
}

export type NextFunction = (err?: unknown) => void;

export interface MockHandler {
  (req: IncomingMessage, res: ServerResponse, next?: NextFunction): void;
  /** Handles a WebSocket upgrade for the ws path; returns false (socket untouched) for any other path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  stats(): MockStats;
  /** Stops every stream and socket and forgets all streams. */
  close(): void;
}

const STREAM_HEADERS = { 'cache-control': 'no-cache', 'x-accel-buffering': 'no' } as const;
const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'x-mock-stream-id, retry-after',
} as const;

/** Shared by the HTTP handler and the WebSocket endpoint. */
export interface MockCore {
  options: MockServerOptions;
  store: StreamStore;
  connections: Set<ConnectionStat>;
  signal: AbortSignal;
}

function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(null);
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function sendPlanError(res: ServerResponse, plan: ErrorPlan): void {
  const headers: Record<string, string> = { ...CORS_HEADERS, 'content-type': plan.contentType };
  if (plan.retryAfter !== undefined) headers['retry-after'] = String(plan.retryAfter);
  res.writeHead(plan.status, headers).end(plan.body);
}

async function serveStream(core: MockCore, res: ServerResponse, plan: Extract<Plan, { kind: 'stream' }>, route: string) {
  const { stream, scenario, fault } = plan;
  const format = stream.format;
  const sink = new HttpEventSink(res, {
    framing: format.framing,
    heartbeatMs: scenario.heartbeatMs,
    ...(fault?.dropAfterBytes !== undefined ? { dropAfterBytes: fault.dropAfterBytes } : {}),
    ...(fault?.slowDrip !== undefined ? { slowDrip: fault.slowDrip } : {}),
  });
  res.writeHead(200, { ...CORS_HEADERS, ...STREAM_HEADERS, 'content-type': format.contentType, 'x-mock-stream-id': stream.id });
  res.flushHeaders();
  const stat: ConnectionStat = { streamId: stream.id, route, transport: 'http', bufferedBytes: 0, bytesWritten: 0, eventsWritten: 0 };
  Object.defineProperties(stat, {
    bufferedBytes: { get: () => sink.bufferedBytes, enumerable: true },
    bytesWritten: { get: () => sink.bytesWritten, enumerable: true },
  });
  core.connections.add(stat);
  const sse = format.framing === 'sse' || format.framing === 'sse-crlf';
  const stopOnServerClose = () => sink.drop();
  core.signal.addEventListener('abort', stopOnServerClose);
  try {
    if (sse && scenario.retryMs !== null && !(await sink.sendRetry(scenario.retryMs))) return;
    await pumpEvents({
      stream,
      startSeq: plan.startSeq,
      fault,
      ids: scenario.ids && sse,
      sink,
      signal: sink.signal,
      onEvent: () => stat.eventsWritten++,
    });
  } finally {
    core.signal.removeEventListener('abort', stopOnServerClose);
    core.connections.delete(stat);
  }
}

async function handleRequest(core: MockCore, req: IncomingMessage, res: ServerResponse, next?: NextFunction): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://mock.local');
  const base = core.options.basePath ?? '';
  if (base && !url.pathname.startsWith(base)) return void next?.();
  const pathname = url.pathname.slice(base.length) || '/';

  if (req.method === 'OPTIONS' && (matchRoute(pathname) || pathname.startsWith('/streams/'))) {
    res.writeHead(204, {
      ...CORS_HEADERS,
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': 'content-type, authorization, x-api-key, last-event-id, x-mock, x-mock-fault',
      'access-control-max-age': '600',
    });
    return void res.end();
  }

  const scenarioSources = {
    defaults: core.options,
    query: url.searchParams,
    header: header(req, 'x-mock'),
    faultHeader: header(req, 'x-mock-fault'),
  };
  const lastEventId = header(req, 'last-event-id') ?? '';

  const rejoin = /^\/streams\/([^/]+)$/.exec(pathname);
  if (rejoin && req.method === 'GET') {
    let plan: Plan;
    try {
      const scenario = resolveScenario(scenarioSources);
      plan = planRejoin(core.store, decodeURIComponent(rejoin[1]), scenario, lastEventId || (url.searchParams.get('lastEventId') ?? ''));
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      plan = errorPlan(FORMATS.openai, 400, e.message);
    }
    return respond(core, res, plan, pathname);
  }

  const route = matchRoute(pathname);
  if (!route) {
    if (next) return next();
    if (pathname === '/' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ name: '@tokenstream/mock-server', routes: ROUTES }, null, 2));
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify({ error: { message: `mock-server: no route ${req.method} ${pathname}`, type: 'not_found' } }));
  }
  if (req.method !== 'POST') {
    res.writeHead(405, { ...CORS_HEADERS, allow: 'POST', 'content-type': 'application/json' });
    return void res.end(JSON.stringify({ error: { message: `mock-server: ${pathname} takes POST`, type: 'invalid_request_error' } }));
  }
  if (route.format.name === 'gemini' && url.searchParams.get('alt') !== 'sse') {
    return sendPlanError(res, errorPlan(route.format, 400, 'mock-server serves streamGenerateContent as SSE only: add ?alt=sse'));
  }

  const rawBody = await readBody(req, core.options.maxBodyBytes ?? 1024 * 1024);
  if (rawBody === null) return sendPlanError(res, errorPlan(route.format, 413, 'Request body too large.'));
  let body: unknown = rawBody;
  const isJson = (header(req, 'content-type') ?? '').includes('json') || /^\s*[{[]/.test(rawBody);
  if (isJson && rawBody.trim() !== '') {
    try {
      body = JSON.parse(rawBody);
    } catch {
      return sendPlanError(res, errorPlan(route.format, 400, 'We could not parse the JSON body of your request.'));
    }
  }
  let plan: Plan;
  try {
    const scenario = resolveScenario({ ...scenarioSources, body });
    plan = planStream(core.store, { route, body, rawBody, scenario, lastEventId });
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    plan = errorPlan(route.format, 400, e.message);
  }
  return respond(core, res, plan, pathname);
}

function respond(core: MockCore, res: ServerResponse, plan: Plan, route: string): Promise<void> | void {
  if (plan.kind === 'error') return sendPlanError(res, plan);
  if (plan.kind === 'html200') {
    res.writeHead(200, { ...CORS_HEADERS, 'content-type': 'text/html; charset=utf-8' });
    return void res.end(HTML_ERROR_PAGE);
  }
  return serveStream(core, res, plan, route);
}

/** The mock's routes as a Node/Connect handler: `(req, res, next?)`; unknown paths go to `next` when given. */
export function createMockHandler(options: MockServerOptions = {}): MockHandler {
  const controller = new AbortController();
  const core: MockCore = {
    options,
    store: new StreamStore({ ...DEFAULT_LIMITS, ...options.limits }, controller.signal),
    connections: new Set(),
    signal: controller.signal,
  };
  let ws: WebSocketEndpoint | null = null;
  const handler = (req: IncomingMessage, res: ServerResponse, next?: NextFunction) => {
    handleRequest(core, req, res, next).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `mock-server internal error: ${String(error)}`, type: 'server_error' } }));
    });
  };
  return Object.assign(handler, {
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
      const path = new URL(req.url ?? '/', 'http://mock.local').pathname;
      const base = options.basePath ?? '';
      if (!path.startsWith(base)) return false;
      const local = path.slice(base.length);
      // The ws endpoint, or a streaming route's own path (then the start message may omit `route`).
      if (local !== (options.wsPath ?? '/ws') && !matchRoute(local) && !/^\/streams\/[^/]+$/.test(local)) return false;
      ws ??= createWebSocketEndpoint(core);
      ws.handleUpgrade(req, socket, head);
      return true;
    },
    stats(): MockStats {
      return { streams: core.store.size, logBytes: core.store.logBytes, connections: [...core.connections].map((c) => ({ ...c })) };
    },
    close(): void {
      controller.abort(new Error('mock server closed'));
      ws?.close();
      core.store.clear();
    },
  });
}
