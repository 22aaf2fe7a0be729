import type { StreamError } from '../errors';

/** Headers whose values describe the request, not the caller: never secret, and too common to redact. */
const PUBLIC_HEADERS = new Set(['accept', 'content-type', 'content-length', 'last-event-id', 'accept-language']);
/** Query parameters that carry credentials (Gemini's `?key=`, signed URLs...). */
const SECRET_PARAM = /key|token|secret|password|passwd|auth|sig|credential/i;
/** Shorter values are not redacted: they would mangle ordinary text and are no credential. */
const MIN_SECRET_CHARS = 4;
const REDACTED = '[redacted]';

/**
 * The exact values a request carried that must never reach an error: every header value (and the token part of
 * `Authorization: <scheme> <token>`, and Basic credentials decoded), URL credentials, credential-like query values.
 */
export function collectSecrets(url: string, headers: Record<string, string>, into: Set<string>): void {
  const add = (value: string | null | undefined) => {
    if (value && value.length >= MIN_SECRET_CHARS) into.add(value);
  };
  for (const [name, value] of Object.entries(headers)) {
    if (PUBLIC_HEADERS.has(name)) continue;
    add(value);
    const space = value.indexOf(' ');
    if (space === -1) continue;
    const token = value.slice(space + 1).trim();
    add(token);
    if (/^basic$/i.test(value.slice(0, space))) {
      const decoded = decodeBase64(token);
      add(decoded);
      add(decoded?.slice(decoded.indexOf(':') + 1));
    }
  }
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://localhost');
  } catch {
    return;
  }
  for (const part of [parsed.username, parsed.password]) {
    add(part);
    add(safeDecode(part));
  }
  parsed.searchParams.forEach((value, name) => {
    if (SECRET_PARAM.test(name)) {
      add(value);
      add(encodeURIComponent(value));
    }
  });
}

/** Replaces every secret in the error's message, body and cause (a cause is replaced by a redacted copy). */
export function redactError(error: StreamError, secrets: ReadonlySet<string>): void {
  if (secrets.size === 0) return;
  error.message = redact(error.message, secrets);
  // V8 formats `stack` lazily, but a debugger may have read it already (with the original message).
  if (typeof error.stack === 'string') error.stack = redact(error.stack, secrets);
  if (error.body !== undefined) error.body = redact(error.body, secrets);
  const cause: unknown = error.cause;
  if (cause === undefined) return;
  // The whole cause chain is flattened into one redacted copy: a runtime error nests the offending value deeper.
  const copy = new Error(redact(describeChain(cause), secrets));
  copy.name = cause instanceof Error ? cause.name : 'Error';
  Object.defineProperty(error, 'cause', { value: copy, writable: true, configurable: true });
}

function describeChain(cause: unknown): string {
  const parts: string[] = [];
  let current: unknown = cause;
  for (let depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    parts.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? (current as Error & { cause?: unknown }).cause : undefined;
  }
  return parts.join(' <- ');
}

function redact(text: string, secrets: ReadonlySet<string>): string {
  let out = text;
  // Longest first, so that a value containing another is replaced whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

function decodeBase64(value: string): string | undefined {
  try {
    return typeof atob === 'function' ? atob(value) : undefined;
  } catch {
    return undefined;
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
