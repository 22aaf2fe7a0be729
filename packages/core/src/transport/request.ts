import { StreamError } from '../errors';
import type { StreamOptions } from '../types';

export const DEFAULT_ACCEPT = 'text/event-stream, application/x-ndjson, application/json;q=0.9, text/plain;q=0.8';
const ERROR_BODY_LIMIT = 4096;

/**
 * Headers for one attempt, as a plain object with lower-case names (a function is called again every attempt).
 * Names and values are checked here, before the runtime sees them: its own TypeError would quote the value (a token
 * with a stray newline) and be mistaken for a network failure.
 */
export async function resolveHeaders(headers: StreamOptions['headers']): Promise<Record<string, string>> {
  const init = typeof headers === 'function' ? await headers() : headers;
  const result: Record<string, string> = {};
  const add = (name: string, value: string) => {
    checkHeader(name, value);
    const key = name.toLowerCase();
    result[key] = key in result ? `${result[key]}, ${value}` : value;
  };
  if (init == null) return result;
  if (typeof Headers !== 'undefined' && init instanceof Headers) init.forEach((value, name) => add(name, value));
  else if (Array.isArray(init)) for (const [name, value] of init) add(String(name), String(value));
  else for (const [name, value] of Object.entries(init as Record<string, string>)) add(name, String(value));
  return result;
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Header values are Latin-1 byte strings without CR, LF or NUL.
const BAD_HEADER_VALUE = /[\r\n\0]|[^\u0000-\u00ff]/;

function checkHeader(name: string, value: string): void {
  if (!HEADER_NAME.test(name)) {
    throw new StreamError('http', 'A request header has an invalid name', { code: 'invalid_header' });
  }
  if (BAD_HEADER_VALUE.test(value)) {
    throw new StreamError(
      'http',
      `The request header "${name.toLowerCase()}" has a value that cannot be sent (a line break, NUL or a character outside Latin-1)`,
      { code: 'invalid_header' },
    );
  }
}

/** Plain objects and arrays become JSON; strings, Blobs, FormData, URLSearchParams and buffers go as they are. */
export function encodeBody(body: unknown): { body: BodyInit | undefined; contentType?: string } {
  if (body === undefined || body === null) return { body: undefined };
  if (typeof body === 'string') return { body };
  if (Array.isArray(body) || isPlainObject(body)) {
    return { body: JSON.stringify(body), contentType: 'application/json' };
  }
  return { body: body as BodyInit };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Header values are byte strings: a non-ASCII id is sent as its UTF-8 bytes (what EventSource does), instead of
 * making the request throw.
 */
export function toHeaderSafe(value: string): string {
  if (!/[^\u0000-\u007f]/.test(value)) return value;
  let out = '';
  for (const byte of new TextEncoder().encode(value)) out += String.fromCharCode(byte);
  return out;
}

/** The start of an error response's body, for the error; the rest is not read. */
export async function readErrorBody(response: Response): Promise<string | undefined> {
  if (!response.body) return undefined;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < ERROR_BODY_LIMIT) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    return text.slice(0, ERROR_BODY_LIMIT);
  } catch {
    return text || undefined;
  } finally {
    reader.cancel().catch(() => undefined);
  }
}
