/**
 * Text the relay composes for clients and logs (error messages) passes through here: credentials and internal
 * addresses are replaced, whatever the upstream echoed.
 */

/** Request headers whose values are credentials. */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'x-goog-api-key',
  'cookie', 'set-cookie', 'x-auth-token', 'ocp-apim-subscription-key'];

const REDACTED = '[redacted]';
const PATTERNS: RegExp[] = [
  // Authorization values in any scheme, as a header line or a JSON/echoed field.
  /\b(?:Bearer|Basic|Digest|Token|Bot|ApiKey|Key|SharedKey|AWS4-HMAC-SHA256)\s+[A-Za-z0-9._~+/=,:-]{6,}/gi,
  // `name: value`, `"name": "value"`, `name=value` for credential-like names.
  /((?:authorization|proxy-authorization|x-api-key|api[-_]?key|x-goog-api-key|cookie|set-cookie|access[-_]?token|secret|password|token)["']?\s*[:=]\s*["']?)[^"'\s,;&}]+/gi,
  // Provider key formats (OpenAI, Anthropic, Google, Groq, xAI, GitHub, Slack, AWS).
  /\b(?:sk|pk|rk)-[A-Za-z0-9_-]{8,}/g,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /\b(?:gsk|xai|ghp|gho|github_pat|xox[abp])[-_][A-Za-z0-9_-]{10,}/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  // Azure keys are 32 hex digits; long hex runs are never worth showing in an error.
  /\b[0-9a-fA-F]{32,}\b/g,
  // Credentials in URLs and key-like query parameters.
  /([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi,
  /([?&](?:key|api_key|apikey|access_token|token|sig|signature|code)=)[^&\s"']+/gi,
];
// Internal hosts never reach a browser: URLs and IP addresses become a placeholder.
const URLS = /\b(?:https?|wss?):\/\/[^\s"'<>)]+/gi;
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g;
const IPV6 = /\[[0-9a-fA-F:]{2,}\](?::\d+)?/g;

export type Redactor = (text: string) => string;

/**
 * A redactor for one request: the patterns above plus the exact credential values the request carried (an upstream
 * that echoes a header verbatim is caught even when its value matches no pattern).
 */
export function createRedactor(request?: Request, secrets: readonly string[] = []): Redactor {
  const exact: string[] = secrets.filter((secret) => secret.length >= 4);
  if (request) {
    for (const name of CREDENTIAL_HEADERS) {
      const value = request.headers.get(name);
      if (!value) continue;
      for (const part of value.split(/[;,\s]+/)) {
        const secret = part.includes('=') ? part.slice(part.indexOf('=') + 1) : part;
        if (secret.length >= 6) exact.push(secret);
      }
      if (value.length >= 6) exact.push(value);
    }
    exact.sort((a, b) => b.length - a.length);
  }
  return (text) => redactText(text, exact);
}

function redactText(text: string, exact: readonly string[] = []): string {
  let out = text;
  for (const value of exact) if (out.includes(value)) out = out.split(value).join(REDACTED);
  for (const pattern of PATTERNS) {
    out = out.replace(pattern, (_match: string, prefix?: unknown) => (typeof prefix === 'string' && prefix !== ''
      ? `${prefix}${REDACTED}` : REDACTED));
  }
  return out.replace(URLS, '[url]').replace(IPV4, '[address]').replace(IPV6, '[address]');
}

/** An Error's text for a log line or a client: message and cause, redacted. */
export function describeError(error: unknown, redact: Redactor): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    const code = cause && typeof cause === 'object' && typeof (cause as { code?: unknown }).code === 'string'
      ? ` (${(cause as { code: string }).code})` : '';
    return redact(`${error.message}${code}`);
  }
  return redact(String(error));
}

/** An event's data: a JSON document has each string redacted (so patterns see unescaped text), other text as a whole. */
export function redactEventData(data: string, redact: Redactor): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return redact(data);
  }
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return redact(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item)]));
    }
    return value;
  };
  return JSON.stringify(walk(parsed));
}
