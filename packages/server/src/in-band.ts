import type { Redactor } from './redact.js';

/**
 * In-band errors: a failure the relay reports as the provider itself would have streamed it, so that the browser's
 * adapter reads it as a provider error (kind 'provider': shown, not retried) and a resuming client learns it too.
 */
export type ErrorShape = 'openai' | 'openai-responses' | 'anthropic' | 'gemini' | 'ollama';

export interface RelayFailure {
  message: string;
  /** Provider-style error type, e.g. 'rate_limit_error', 'api_error'. */
  type: string;
  /** Machine-readable code, e.g. 'upstream_dropped', 'overflow', 'http_429', or the provider's own. */
  code: string;
  /** The upstream's HTTP status, when the failure was one. */
  status?: number;
}

export interface ShapedEvent {
  event: string;
  data: string;
}

const ANTHROPIC_EVENTS = /^(?:message_(?:start|delta|stop)|content_block_(?:start|delta|stop)|ping)$/;

/**
 * The error shape for a stream whose first event is this one. Only the error's form is decided here; what the
 * events mean (and whether the stream completed) is core's adapters' business.
 */
export function errorShapeOf(event: ShapedEvent): ErrorShape | null {
  if (ANTHROPIC_EVENTS.test(event.event)) return 'anthropic';
  if (event.event.startsWith('response.')) return 'openai-responses';
  const head = event.data.slice(0, 4096);
  if (/"type"\s*:\s*"(?:message_start|content_block)/.test(head)) return 'anthropic';
  if (/"type"\s*:\s*"response\./.test(head)) return 'openai-responses';
  if (/"candidates"\s*:/.test(head)) return 'gemini';
  if (/"done"\s*:\s*(?:true|false)/.test(head) && /"(?:message|response)"\s*:/.test(head)) return 'ollama';
  return null;
}

/** The provider an endpoint URL belongs to, by its documented paths: an HTML 502 from a gateway still gets its shape. */
export function errorShapeOfUrl(url: string): ErrorShape | null {
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
  return null;
}

const GEMINI_STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED' };

/** google.rpc.Code CANCELLED, as Google's HTTP mapping writes it (499 Client Closed Request). */
const GEMINI_CANCELLED = { code: 499, status: 'CANCELLED' };

/**
 * The failure as the provider would have streamed it. Unknown shapes get OpenAI's, which core's auto adapter reads.
 * The code reaches the client in the protocol's own place where it has one (Gemini's status: a stop is CANCELLED),
 * else in an extra `code` field (Anthropic's error, Ollama's line), so a stop in another tab reads as a stop. An
 * upstream HTTP error keeps Anthropic's own form: its type is the code core shows, an `http_529` would hide it.
 */
export function inBandError(shape: ErrorShape | null, failure: RelayFailure): ShapedEvent {
  const { message, type, code, status } = failure;
  switch (shape) {
    case 'anthropic':
      return { event: 'error', data: JSON.stringify({ type: 'error',
        error: status === undefined ? { type, message, code } : { type, message } }) };
    case 'openai-responses':
      return { event: 'error', data: JSON.stringify({ type: 'error', code, message, param: null }) };
    case 'gemini': {
      const rpc = code === 'cancelled' ? GEMINI_CANCELLED
        : { code: status ?? 500, status: GEMINI_STATUS[status ?? 500] ?? 'UNKNOWN' };
      return { event: '', data: JSON.stringify({ error: { code: rpc.code, message, status: rpc.status } }) };
    }
    case 'ollama':
      return { event: '', data: JSON.stringify({ error: message, code }) };
    default:
      return { event: '', data: JSON.stringify({ error: { message, type, param: null, code } }) };
  }
}

function defaultType(status: number, shape: ErrorShape | null): string {
  if (status === 429) return 'rate_limit_error';
  if (shape === 'anthropic') {
    if (status === 529) return 'overloaded_error';
    if (status === 401) return 'authentication_error';
    if (status === 403) return 'permission_error';
    if (status === 404) return 'not_found_error';
    if (status >= 400 && status < 500) return 'invalid_request_error';
    return 'api_error';
  }
  if (status >= 400 && status < 500) return 'invalid_request_error';
  return 'server_error';
}

function parseObject(text: string): Record<string, unknown> | null {
  if (!text.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const MAX_MESSAGE_CHARS = 500;

/** An HTML page is summarized by its title: its markup (scripts included) never reaches a client. */
function htmlSummary(body: string): string | null {
  if (!/^\s*<(?:!doctype|html|head|body|\?xml)/i.test(body) && !/<\/(?:html|body|head|script)>/i.test(body)) return null;
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1]?.replace(/\s+/g, ' ').trim() ?? '';
  return title ? `HTML page "${title.slice(0, 120)}"` : 'HTML page';
}

/**
 * An upstream HTTP error as a failure: the provider's own message, type and code when it sent an error object,
 * a summary for HTML pages, the status text otherwise. Everything is redacted and shortened.
 */
export function describeHttpError(status: number, statusText: string, bodyText: string, shapeHint: ErrorShape | null,
  redact: Redactor): { shape: ErrorShape | null; failure: RelayFailure } {
  let shape = shapeHint;
  let message = '';
  let type = '';
  let code = '';
  const trimmed = bodyText.trim();
  const body = parseObject(trimmed);
  const error = body?.error;
  if (body && body.type === 'error' && error && typeof error === 'object') shape = 'anthropic';
  else if (typeof error === 'string') {
    shape ??= 'ollama';
    message = error;
  } else if (error && typeof error === 'object' && typeof (error as Record<string, unknown>).status === 'string') {
    shape ??= 'gemini';
  }
  if (error && typeof error === 'object') {
    const fields = error as Record<string, unknown>;
    if (typeof fields.message === 'string') message = fields.message;
    if (typeof fields.type === 'string') type = fields.type;
    if (typeof fields.code === 'string') code = fields.code;
  }
  if (!message) message = htmlSummary(trimmed) ?? (body ? '' : trimmed) ?? '';
  if (!message) message = statusText;
  const text = redact(`Upstream HTTP ${status}${message ? `: ${message}` : ''}`);
  return {
    shape,
    failure: {
      message: text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text,
      type: redact(type).slice(0, 100) || defaultType(status, shape),
      code: redact(code).slice(0, 100) || `http_${status}`,
      status,
    },
  };
}
