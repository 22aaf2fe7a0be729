import { hashString, mockAnswer } from './answer';
import { FORMATS, type ProviderFormat } from './formats';
import { answerOptionsOf, type MockFault, type MockScenario } from './scenario';
import { parseEventId, type MockStream, type StreamStore } from './stream-store';

// Decides what one request (HTTP or WebSocket) gets: an error response, an HTML page, or a stream (new, or
// an existing one resumed after Last-Event-ID / replayed / rejoined), with the fault active for this attempt.

export interface RouteMatch {
  /** The route path as matched, e.g. `/v1/chat/completions`. */
  path: string;
  format: ProviderFormat;
  /** Gemini takes the model from the path. */
  model?: string;
}

const GEMINI_PATH = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):streamGenerateContent$/;

export const ROUTES: ReadonlyArray<{ method: string; path: string; format: string }> = [
  { method: 'POST', path: '/v1/chat/completions', format: 'OpenAI Chat Completions SSE' },
  { method: 'POST', path: '/v1/responses', format: 'OpenAI Responses SSE' },
  { method: 'POST', path: '/v1/messages', format: 'Anthropic Messages SSE' },
  { method: 'POST', path: '/v1beta/models/:model:streamGenerateContent?alt=sse', format: 'Gemini SSE (CRLF)' },
  { method: 'POST', path: '/api/chat', format: 'Ollama chat NDJSON' },
  { method: 'POST', path: '/api/generate', format: 'Ollama generate NDJSON' },
  { method: 'POST', path: '/text', format: 'text/plain chunks' },
  { method: 'POST', path: '/ai-sdk/chat', format: 'Vercel AI SDK UI message stream v1 (SSE)' },
  { method: 'POST', path: '/ag-ui/run', format: 'AG-UI events (SSE)' },
  { method: 'POST', path: '/json/chat', format: 'hand-written backend: data: {"content"} lines, [DONE] (SSE)' },
  { method: 'GET', path: '/streams/:id', format: 'rejoin a stream (Last-Event-ID supported)' },
  { method: 'GET', path: '{route}/:chatId/stream', format: 'join the chat\'s stream from its start, then live (204: none)' },
  { method: 'DELETE', path: '{route}/:chatId/stream', format: 'stop generating the chat\'s stream (204)' },
  { method: 'GET', path: '/ws', format: 'WebSocket JSON event protocol' },
];

export function matchRoute(pathname: string): RouteMatch | null {
  switch (pathname) {
    case '/v1/chat/completions':
      return { path: pathname, format: FORMATS.openai };
    case '/v1/responses':
      return { path: pathname, format: FORMATS['openai-responses'] };
    case '/v1/messages':
      return { path: pathname, format: FORMATS.anthropic };
    case '/api/chat':
      return { path: pathname, format: FORMATS['ollama-chat'] };
    case '/api/generate':
      return { path: pathname, format: FORMATS['ollama-generate'] };
    case '/text':
      return { path: pathname, format: FORMATS.text };
    case '/ai-sdk/chat':
      return { path: pathname, format: FORMATS['ai-sdk'] };
    case '/ag-ui/run':
      return { path: pathname, format: FORMATS['ag-ui'] };
    case '/json/chat':
      return { path: pathname, format: FORMATS.json };
  }
  const gemini = GEMINI_PATH.exec(pathname);
  if (gemini) return { path: pathname, format: FORMATS.gemini, model: decodeURIComponent(gemini[1]) };
  return null;
}

const CHAT_STREAM_PATH = /^(.+)\/([^/]+)\/stream$/;

/** `{route}/{chatId}/stream`: the route and the (still %-encoded) chat id, or null. */
export function matchChatStreamPath(pathname: string): { route: RouteMatch; chatId: string } | null {
  const m = CHAT_STREAM_PATH.exec(pathname);
  const route = m ? matchRoute(m[1]) : null;
  return m && route ? { route, chatId: m[2] } : null;
}

/** Where the store keeps a chat's stream: per route, as two routes are two backends with their own chats. */
export function chatKey(route: RouteMatch, chatId: string): string {
  return `${route.path} ${chatId}`;
}

/** Longest chat id a POST may name its stream by. */
const MAX_CHAT_ID_LENGTH = 256;

/** The app's chat id: a top-level string `id` in a JSON body. */
function chatIdOf(body: unknown): string | undefined {
  const id = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>).id : undefined;
  return typeof id === 'string' && id !== '' && id.length <= MAX_CHAT_ID_LENGTH ? id : undefined;
}

export type Plan =
  | { kind: 'error'; status: number; contentType: string; body: string; message: string; retryAfter?: number }
  | { kind: 'html200' }
  | { kind: 'stream'; stream: MockStream; startSeq: number; fault: MockFault | null; scenario: MockScenario };

export type ErrorPlan = Extract<Plan, { kind: 'error' }>;

export function errorPlan(format: ProviderFormat, status: number, message: string, retryAfter?: number): ErrorPlan {
  const { contentType, body } = format.errorBody(status, message);
  return retryAfter === undefined
    ? { kind: 'error', status, contentType, body, message }
    : { kind: 'error', status, contentType, body, message, retryAfter };
}

const STATUS_MESSAGE: Record<number, string> = {
  429: 'Rate limit reached (mock fault).',
  500: 'The server had an error while processing your request (mock fault).',
  503: 'The service is temporarily unavailable (mock fault).',
  529: 'Overloaded (mock fault).',
};

/** Counts the attempt and returns the fault when it applies to this attempt. */
function activeFault(store: StreamStore, key: string, scenario: MockScenario): MockFault | null {
  const attempt = store.countAttempt(key);
  return scenario.fault && attempt <= scenario.faultAttempts ? scenario.fault : null;
}

function faultResponse(format: ProviderFormat, fault: MockFault | null): Plan | null {
  if (fault?.status !== undefined) {
    const message = STATUS_MESSAGE[fault.status] ?? `Mock fault: HTTP ${fault.status}.`;
    return errorPlan(format, fault.status, message, fault.retryAfter);
  }
  if (fault?.html200) return { kind: 'html200' };
  return null;
}

/** Where to start in `stream` after `lastEventId`, by the scenario's resume mode; an error plan when impossible. */
function resumePoint(stream: MockStream, seq: number, scenario: MockScenario): number | Plan {
  if (scenario.resume === 'replay') return stream.firstSeq;
  if (seq + 1 < stream.firstSeq) {
    return errorPlan(stream.format, 404, `mock-server: events after ${stream.id}:${seq} were evicted from the resume log`);
  }
  return seq + 1;
}

export interface StreamRequest {
  route: RouteMatch;
  body: unknown;
  /** The body as received, for the default attempt key. */
  rawBody: string;
  scenario: MockScenario;
  lastEventId: string;
}

export function planStream(store: StreamStore, r: StreamRequest): Plan {
  const { route, scenario } = r;
  const key = scenario.key ?? `${route.path}|${hashString(r.rawBody)}`;
  const fault = activeFault(store, key, scenario);
  const early = faultResponse(route.format, fault);
  if (early) return early;

  if (r.lastEventId !== '' && scenario.resume !== 'restart') {
    const parsed = parseEventId(r.lastEventId);
    const stream = parsed ? store.get(parsed.streamId) : undefined;
    if (!parsed || !stream) {
      return errorPlan(route.format, 404, `mock-server: unknown or expired stream for Last-Event-ID ${JSON.stringify(r.lastEventId)}`);
    }
    const start = resumePoint(stream, parsed.seq, scenario);
    return typeof start === 'number' ? { kind: 'stream', stream, startSeq: start, fault, scenario } : start;
  }

  const answer = mockAnswer(r.body, answerOptionsOf(scenario), route.model);
  const chatId = chatIdOf(r.body);
  const stream = store.create({
    key,
    ...(chatId !== undefined ? { chatId: chatKey(route, chatId) } : {}),
    format: route.format,
    model: answer.model ?? route.format.defaultModel,
    body: r.body,
    events: (ctx) => route.format.events(answer, ctx),
    pace: { tokensPerSecond: scenario.tokensPerSecond, firstTokenDelayMs: scenario.firstTokenDelayMs },
  });
  return { kind: 'stream', stream, startSeq: 1, fault, scenario };
}

/** `GET /streams/:id`: rejoin from the start, or after `lastEventId` when given. */
export function planRejoin(store: StreamStore, streamId: string, scenario: MockScenario, lastEventId: string): Plan {
  const stream = store.get(streamId);
  if (!stream) return errorPlan(FORMATS.openai, 404, `mock-server: unknown or expired stream ${JSON.stringify(streamId)}`);
  const fault = activeFault(store, stream.key, scenario);
  const early = faultResponse(stream.format, fault);
  if (early) return early;
  const parsed = lastEventId ? parseEventId(lastEventId) : null;
  if (lastEventId && (!parsed || parsed.streamId !== streamId)) {
    return errorPlan(stream.format, 400, `mock-server: Last-Event-ID ${JSON.stringify(lastEventId)} is not an id of stream ${streamId}`);
  }
  const start = parsed ? resumePoint(stream, parsed.seq, scenario) : stream.firstSeq;
  return typeof start === 'number' ? { kind: 'stream', stream, startSeq: start, fault, scenario } : start;
}

export const HTML_ERROR_PAGE =
  '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n' +
  '<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx (mock-server html200 fault)</center></body></html>\n';
