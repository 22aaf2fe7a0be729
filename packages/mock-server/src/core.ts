import { FORMATS } from './formats';
import { HTML_ERROR_PAGE, ROUTES, chatKey, errorPlan, matchChatStreamPath, matchRoute, planRejoin, planStream, type ErrorPlan, type Plan } from './plan';
import { pumpEvents, type ConnectionStat } from './pump';
import { ScenarioError, resolveScenario, type MockScenarioInput, type ScenarioSources } from './scenario';
import { DEFAULT_LIMITS, StreamStore, type StoreLimits } from './stream-store';
import { WebEventSink } from './web-sink';

// The mock server itself, on web-standard Request -> Response with a streaming body. Everything else is an
// adapter over it: the Node http handler, the Vite plugin, createMockFetch, the MSW handlers; the WebSocket
// endpoint shares its store and planning.

export interface MockServerOptions extends MockScenarioInput {
  /** Serve the routes under this prefix (e.g. '/mock'). Default '' (mockStreamPlugin: '/mock'). */
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
  /** Answers generated since the server started: resumes, joins and replays generate none. */
  generations: number;
  /** Open streaming connections; `bufferedBytes` is what a slow reader makes the server hold for it. */
  connections: ConnectionStat[];
}

/** What an adapter tells the core about the connection a request came on. */
export interface ConnectionHooks {
  transport?: ConnectionStat['transport'];
  /** Bytes the adapter holds for this connection (Node: res.writableLength). */
  bufferedBytes?: () => number;
}

export interface MockCore {
  readonly options: MockServerOptions;
  readonly store: StreamStore;
  readonly connections: Set<ConnectionStat>;
  readonly signal: AbortSignal;
  /** Answers one request; a path outside the mock's routes gets a 404 (GET on the root lists the routes). */
  handleRequest(request: Request, hooks?: ConnectionHooks): Promise<Response>;
  /** Whether `pathname` is the mock's to answer (an adapter with a `next` passes the others on). */
  claims(pathname: string): boolean;
  stats(): MockStats;
  /** Stops every stream and forgets all streams. */
  close(): void;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** JSON bodies nested deeper than this get 400: the mock's readers are recursive. */
const MAX_BODY_DEPTH = 64;

const STREAM_HEADERS = { 'cache-control': 'no-cache', 'x-accel-buffering': 'no' } as const;
const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'x-mock-stream-id, retry-after, x-vercel-ai-ui-message-stream',
} as const;
const PREFLIGHT_HEADERS = {
  ...CORS_HEADERS,
  'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
  'access-control-allow-headers': 'content-type, authorization, x-api-key, last-event-id, x-mock, x-mock-fault',
  'access-control-max-age': '600',
} as const;

/** What a DELETE ends followers with: the code and message the relay writes for a cancelled stream. */
const STOPPED_BY_DELETE = { code: 'cancelled', message: 'The stream was cancelled' } as const;

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...CORS_HEADERS, 'content-type': 'application/json', ...headers } });
}

function badRequest(message: string): Response {
  return jsonResponse(400, { error: { message: `mock-server: ${message}`, type: 'invalid_request_error' } });
}

function errorResponse(plan: ErrorPlan): Response {
  const headers: Record<string, string> = { ...CORS_HEADERS, 'content-type': plan.contentType };
  if (plan.retryAfter !== undefined) headers['retry-after'] = String(plan.retryAfter);
  return new Response(plan.body, { status: plan.status, headers });
}

function isDecodable(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

/** Reads at most `limit` bytes of the body as UTF-8; null when it is larger. */
async function readBodyText(request: Request, limit: number): Promise<string | null> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    text += decoder.decode(value, { stream: true });
  }
}

/** Nesting depth of a parsed JSON value, counted without recursion (stops early past `max`). */
function depthExceeds(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

/** What to stop when a core closes (one entry per open stream, instead of a listener each on its signal). */
const closeHooks = new WeakMap<MockCore, Set<() => void>>();

export function createMockCore(options: MockServerOptions = {}): MockCore {
  const controller = new AbortController();
  const base = options.basePath ?? '';
  const core: MockCore = {
    options,
    store: new StreamStore({ ...DEFAULT_LIMITS, ...options.limits }),
    connections: new Set(),
    signal: controller.signal,
    handleRequest: (request, hooks = {}) => handle(core, request, hooks),
    claims(pathname) {
      if (base && !pathname.startsWith(base)) return false;
      const local = pathname.slice(base.length) || '/';
      if (!isDecodable(local)) return true; // answered with a 400
      return matchRoute(local) !== null || /^\/streams\/[^/]+$/.test(local) || matchChatStreamPath(local) !== null;
    },
    stats: () => ({
      streams: core.store.size,
      logBytes: core.store.logBytes,
      generations: core.store.generations,
      connections: [...core.connections].map((c) => ({ ...c })),
    }),
    close() {
      controller.abort(new Error('mock server closed'));
      for (const stop of closeHooks.get(core) ?? []) stop();
      core.store.clear();
    },
  };
  closeHooks.set(core, new Set());
  return core;
}

async function handle(core: MockCore, request: Request, hooks: ConnectionHooks): Promise<Response> {
  const url = new URL(request.url);
  const base = core.options.basePath ?? '';
  if (base && !url.pathname.startsWith(base)) return notFound(request.method, url.pathname);
  const pathname = url.pathname.slice(base.length) || '/';
  if (!isDecodable(pathname)) return badRequest(`the path ${JSON.stringify(pathname.slice(0, 200))} is not valid %-encoding`);
  const method = request.method.toUpperCase();
  const chatStream = matchChatStreamPath(pathname);
  const rejoin = /^\/streams\/([^/]+)$/.exec(pathname);
  const route = matchRoute(pathname);

  if (method === 'OPTIONS' && (route || rejoin || chatStream)) return new Response(null, { status: 204, headers: PREFLIGHT_HEADERS });

  const sources: ScenarioSources = {
    defaults: core.options,
    query: url.searchParams,
    header: request.headers.get('x-mock') ?? undefined,
    faultHeader: request.headers.get('x-mock-fault') ?? undefined,
  };
  const lastEventId = request.headers.get('last-event-id') ?? '';

  if (rejoin && method === 'GET') {
    return planned(() => planRejoin(core.store, decodeURIComponent(rejoin[1]), resolveScenario(sources), lastEventId || (url.searchParams.get('lastEventId') ?? '')));
  }

  if (chatStream && !route) {
    const stream = core.store.chatStream(chatKey(chatStream.route, decodeURIComponent(chatStream.chatId)));
    if (method === 'DELETE') {
      stream?.cancel(STOPPED_BY_DELETE);
      return new Response(null, { status: 204, headers: CORS_HEADERS });
    }
    if (method !== 'GET') return jsonResponse(405, { error: { message: `mock-server: ${pathname} takes GET or DELETE`, type: 'invalid_request_error' } }, { allow: 'GET, DELETE' });
    if (!stream) return new Response(null, { status: 204, headers: CORS_HEADERS });
    return planned(() => planRejoin(core.store, stream.id, resolveScenario(sources), lastEventId));
  }

  if (!route) {
    if (pathname === '/' && method === 'GET') return jsonResponse(200, { name: '@tokenstream/mock-server', routes: ROUTES });
    return notFound(method, pathname);
  }
  if (method !== 'POST') {
    return jsonResponse(405, { error: { message: `mock-server: ${pathname} takes POST`, type: 'invalid_request_error' } }, { allow: 'POST' });
  }
  if (route.format.name === 'gemini' && url.searchParams.get('alt') !== 'sse') {
    return errorResponse(errorPlan(route.format, 400, 'mock-server serves streamGenerateContent as SSE only: add ?alt=sse'));
  }

  const rawBody = await readBodyText(request, core.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  if (rawBody === null) return errorResponse(errorPlan(route.format, 413, 'Request body too large.'));
  let body: unknown = rawBody;
  const isJson = (request.headers.get('content-type') ?? '').includes('json') || /^\s*[{[]/.test(rawBody);
  if (isJson && rawBody.trim() !== '') {
    try {
      body = JSON.parse(rawBody);
    } catch {
      return errorResponse(errorPlan(route.format, 400, 'We could not parse the JSON body of your request.'));
    }
    if (depthExceeds(body, MAX_BODY_DEPTH)) {
      return errorResponse(errorPlan(route.format, 400, `mock-server: the JSON body is nested deeper than ${MAX_BODY_DEPTH} levels`));
    }
  }
  return planned(() => planStream(core.store, { route, body, rawBody, scenario: resolveScenario({ ...sources, body }), lastEventId }));

  /** Runs a planner (a bad scenario is a 400 in the route's error shape) and answers its plan. */
  function planned(plan: () => Plan): Response {
    let p: Plan;
    try {
      p = plan();
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      p = errorPlan(route?.format ?? chatStream?.route.format ?? FORMATS.openai, 400, e.message);
    }
    if (p.kind === 'error') return errorResponse(p);
    if (p.kind === 'html200') return new Response(HTML_ERROR_PAGE, { status: 200, headers: { ...CORS_HEADERS, 'content-type': 'text/html; charset=utf-8' } });
    return streamResponse(core, p, pathname, request.signal, hooks);
  }
}

function notFound(method: string, pathname: string): Response {
  return jsonResponse(404, { error: { message: `mock-server: no route ${method} ${pathname.slice(0, 200)}`, type: 'not_found' } });
}

function streamResponse(core: MockCore, plan: Extract<Plan, { kind: 'stream' }>, route: string, requestSignal: AbortSignal, hooks: ConnectionHooks): Response {
  const { stream, scenario, fault } = plan;
  const format = stream.format;
  const sink = new WebEventSink({
    framing: format.framing,
    heartbeatMs: scenario.heartbeatMs,
    ...(fault?.dropAfterBytes !== undefined ? { dropAfterBytes: fault.dropAfterBytes } : {}),
    ...(fault?.slowDrip !== undefined ? { slowDrip: fault.slowDrip } : {}),
  });
  const bufferedBytes = hooks.bufferedBytes ?? (() => 0);
  const stat: ConnectionStat = { streamId: stream.id, route, transport: hooks.transport ?? 'fetch', bufferedBytes: 0, bytesWritten: 0, eventsWritten: 0 };
  Object.defineProperties(stat, {
    bufferedBytes: { get: bufferedBytes, enumerable: true },
    bytesWritten: { get: () => sink.bytesWritten, enumerable: true },
  });
  core.connections.add(stat);
  const sse = format.framing === 'sse' || format.framing === 'sse-crlf';
  const stop = () => sink.abort(requestSignal.aborted ? requestSignal.reason : core.signal.reason);
  const closers = closeHooks.get(core);
  closers?.add(stop);
  requestSignal.addEventListener('abort', stop);
  void (async () => {
    try {
      if (requestSignal.aborted) return stop();
      if (sse && scenario.retryMs !== null && !(await sink.sendRetry(scenario.retryMs))) return;
      await pumpEvents({ stream, startSeq: plan.startSeq, fault, ids: scenario.ids && sse, sink, signal: sink.signal, onEvent: () => stat.eventsWritten++ });
    } finally {
      closers?.delete(stop);
      requestSignal.removeEventListener('abort', stop);
      core.connections.delete(stat);
    }
  })();
  return new Response(sink.body, {
    status: 200,
    headers: { ...CORS_HEADERS, ...STREAM_HEADERS, ...format.headers, 'content-type': format.contentType, 'x-mock-stream-id': stream.id },
  });
}
