import type { UpstreamEvent } from './parse.js';

/**
 * Which provider's wire format the upstream speaks, so that a failure the relay reports in-band looks like
 * that provider's own error event (the browser's adapter then reports kind 'provider'), and so that a body
 * that ends before the provider's terminal signal is recognised as a drop.
 */
export type ProviderShape = 'openai' | 'openai-responses' | 'anthropic' | 'gemini' | 'ollama';

const ANTHROPIC_EVENTS = new Set([
  'message_start', 'message_delta', 'message_stop', 'content_block_start', 'content_block_delta', 'content_block_stop',
]);
const RESPONSES_TERMINAL = new Set(['response.completed', 'response.failed', 'response.incomplete']);

export interface ShapeTracker {
  /** null until an event identified the provider. */
  readonly shape: ProviderShape | null;
  /** The provider's terminal signal (or an in-band error, which also ends it) has passed. */
  readonly terminal: boolean;
  observe(event: UpstreamEvent): void;
}

/**
 * The provider an endpoint URL belongs to, by its documented paths, so that an HTTP error without a telling
 * body (an HTML 502 from a gateway) still gets that provider's error shape. null when the URL says nothing.
 */
export function shapeFromUrl(url: string): ProviderShape | null {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return null;
  }
  if (/\/v1\/messages$/.test(path)) return 'anthropic';
  if (/\/responses$/.test(path)) return 'openai-responses';
  if (/:(stream)?generateContent$/i.test(path)) return 'gemini';
  if (/\/api\/(chat|generate)$/.test(path)) return 'ollama';
  if (/\/chat\/completions$/.test(path)) return 'openai';
  return null;
}

function parseObject(data: string): Record<string, unknown> | null {
  if (data.charCodeAt(0) !== 123 /* '{' */) return null;
  try {
    const value: unknown = JSON.parse(data);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function createShapeTracker(): ShapeTracker {
  let shape: ProviderShape | null = null;
  let terminal = false;

  const observe = ({ event, data }: UpstreamEvent): void => {
    if (ANTHROPIC_EVENTS.has(event)) {
      shape = 'anthropic';
      if (event === 'message_stop') terminal = true;
      return;
    }
    if (event.startsWith('response.')) {
      shape = 'openai-responses';
      if (RESPONSES_TERMINAL.has(event)) terminal = true;
      return;
    }
    if (event === 'error') {
      terminal = true;
      return;
    }
    if (data === '[DONE]') {
      shape ??= 'openai';
      terminal = true;
      return;
    }
    const body = parseObject(data);
    if (!body) return;
    if ('error' in body) {
      terminal = true;
      if (typeof body.error === 'string') shape ??= 'ollama';
      return;
    }
    const type = typeof body.type === 'string' ? body.type : '';
    if (ANTHROPIC_EVENTS.has(type)) {
      shape = 'anthropic';
      if (type === 'message_stop') terminal = true;
    } else if (type.startsWith('response.')) {
      shape = 'openai-responses';
      if (RESPONSES_TERMINAL.has(type)) terminal = true;
    } else if (Array.isArray(body.candidates)) {
      shape = 'gemini';
      // Gemini has no end marker: the chunk that carries a finishReason is the last one.
      if (body.candidates.some((c) => c !== null && typeof c === 'object' && 'finishReason' in c)) terminal = true;
    } else if (typeof body.done === 'boolean') {
      shape = 'ollama';
      if (body.done) terminal = true;
    } else if (Array.isArray(body.choices) || body.object === 'chat.completion.chunk') {
      shape = 'openai';
    }
  };

  return {
    get shape() {
      return shape;
    },
    get terminal() {
      return terminal;
    },
    observe,
  };
}

export interface RelayFailure {
  message: string;
  /** Provider-style error type, e.g. 'rate_limit_error', 'api_error'. */
  type: string;
  /** Machine-readable code, e.g. 'upstream_dropped', 'http_429', or the provider's own. */
  code: string;
  /** The upstream's HTTP status, when the failure was one. */
  status?: number;
}

const GEMINI_STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED' };

/** The failure as the provider itself would have streamed it. Unknown shapes get OpenAI's, the most widely parsed. */
export function inBandError(shape: ProviderShape | null, failure: RelayFailure): UpstreamEvent {
  const { message, type, code, status } = failure;
  switch (shape) {
    case 'anthropic':
      return { event: 'error', data: JSON.stringify({ type: 'error', error: { type, message } }) };
    case 'openai-responses':
      return { event: 'error', data: JSON.stringify({ type: 'error', code, message, param: null }) };
    case 'gemini':
      return { event: '', data: JSON.stringify({ error: { code: status ?? 500, message,
        status: GEMINI_STATUS[status ?? 500] ?? 'UNKNOWN' } }) };
    case 'ollama':
      return { event: '', data: JSON.stringify({ error: message }) };
    default:
      return { event: '', data: JSON.stringify({ error: { message, type, param: null, code } }) };
  }
}

const SECRET_PATTERNS: RegExp[] = [
  /\b(?:sk|pk|rk)-[A-Za-z0-9_-]{8,}/g,
  /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
];
const SECRET_QUERY = /([?&](?:key|api_key|apikey|access_token)=)[^&\s"']+/gi;

/** Provider error bodies sometimes echo (part of) the key that was used; none of it reaches a client. */
export function redactSecrets(text: string): string {
  let out = text.replace(SECRET_QUERY, '$1[redacted]');
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, '[redacted]');
  return out;
}

function defaultType(status: number, shape: ProviderShape | null): string {
  if (shape === 'anthropic') {
    if (status === 429) return 'rate_limit_error';
    if (status === 529) return 'overloaded_error';
    if (status === 401) return 'authentication_error';
    if (status === 403) return 'permission_error';
    if (status === 404) return 'not_found_error';
    if (status >= 400 && status < 500) return 'invalid_request_error';
    return 'api_error';
  }
  if (status === 429) return 'rate_limit_error';
  if (status >= 400 && status < 500) return 'invalid_request_error';
  return 'server_error';
}

/**
 * Reads an upstream HTTP error body (already truncated by the caller): the provider's own message, type and code
 * when it sent a recognisable error object, and the shape that object reveals.
 */
export function describeHttpError(status: number, statusText: string, bodyText: string,
  shapeHint: ProviderShape | null): { shape: ProviderShape | null; failure: RelayFailure } {
  let shape = shapeHint;
  let message = '';
  let type = '';
  let code = '';
  const body = parseObject(bodyText.trim());
  const error = body?.error;
  if (body && body.type === 'error' && error && typeof error === 'object') {
    shape = 'anthropic';
  } else if (typeof error === 'string') {
    shape ??= 'ollama';
    message = error;
  } else if (error && typeof error === 'object' && typeof (error as Record<string, unknown>).status === 'string'
    && typeof (error as Record<string, unknown>).code === 'number') {
    shape ??= 'gemini';
  }
  if (error && typeof error === 'object') {
    const fields = error as Record<string, unknown>;
    if (typeof fields.message === 'string') message = fields.message;
    if (typeof fields.type === 'string') type = fields.type;
    if (typeof fields.code === 'string') code = fields.code;
  }
  if (!message) message = bodyText.trim() ? bodyText.trim() : statusText;
  const failure: RelayFailure = {
    message: redactSecrets(`Upstream HTTP ${status}${message ? `: ${message}` : ''}`),
    type: type || defaultType(status, shape),
    code: code || `http_${status}`,
    status,
  };
  return { shape, failure };
}
