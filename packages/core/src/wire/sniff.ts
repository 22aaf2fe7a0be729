import type { Framing } from './framing';

const NDJSON_TYPES = new Set([
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/x-jsonlines',
  'application/jsonlines',
]);

/**
 * What a content-type says about the body: a framing, 'json' (an NDJSON stream or a streamed JSON array: the first
 * byte tells), 'sniff' (missing, text/plain or octet-stream: servers mislabel streams, so the first bytes decide),
 * or null for a body that is no stream (an HTML page, an image...).
 */
export function framingFromContentType(contentType: string | null): Framing | 'json' | 'sniff' | null {
  const mime = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mime === 'text/event-stream') return 'sse';
  if (NDJSON_TYPES.has(mime)) return 'ndjson';
  if (mime === 'application/json' || mime.endsWith('+json')) return 'json';
  if (mime === '' || mime === 'text/plain' || mime === 'application/octet-stream') return 'sniff';
  return null;
}

export interface SniffOptions {
  /** What the content-type allowed: 'json' only chooses between NDJSON and a JSON array. */
  hint: 'json' | 'sniff';
  /** The body ended: decide with what there is. */
  ended: boolean;
  /** Whether a first NDJSON line is an event of a protocol the reader understands. */
  recognizes(line: string): boolean;
}

const SSE_FIELD = /^(?:data|event|id|retry)(?::|\r|\n|$)/;
const LONGEST_FIELD = 'retry:'.length;
const MAX_SNIFF_CHARS = 64 * 1024;

/**
 * The framing a body's first characters show, or undefined when more are needed. A mislabelled SSE or NDJSON stream
 * is read as what it is; genuine plain text stays text, including an answer that merely starts with `{` or `[`.
 */
export function sniffFraming(prefix: string, options: SniffOptions): Framing | undefined {
  const text = prefix.replace(/^[\s\uFEFF]+/, '');
  if (text === '') return options.ended ? (options.hint === 'json' ? 'ndjson' : 'text') : undefined;
  const first = text[0];
  if (first === '[') {
    const afterBracket = text.slice(1).trimStart();
    if (afterBracket === '' && !options.ended) return undefined;
    if (options.hint === 'json' || afterBracket.startsWith('{')) return 'json-array';
    return 'text';
  }
  if (first === '{') {
    if (options.hint === 'json') return 'ndjson';
    const newline = text.search(/[\r\n]/);
    // A text answer that starts with `{` is held back only until its first line ends (or 64 K characters).
    if (newline === -1 && !options.ended && text.length < MAX_SNIFF_CHARS) return undefined;
    const line = newline === -1 ? text : text.slice(0, newline);
    return isJsonObject(line) && options.recognizes(line) ? 'ndjson' : 'text';
  }
  if (options.hint === 'json') return 'ndjson';
  if (first === ':' || SSE_FIELD.test(text)) return 'sse';
  if (text.length < LONGEST_FIELD && !options.ended && 'retry:data:event:id:'.includes(text)) return undefined;
  return 'text';
}

function isJsonObject(line: string): boolean {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
