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

/** An HTML page (a login or error page answered with 200): never a stream. */
export function isHtml(contentType: string | null): boolean {
  return /^\s*(text\/html|application\/xhtml\+xml)/i.test(contentType ?? '');
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
  // While the text could still become a field name ("id" of "identity"), wait: the `$` below is for a whole line.
  if (text.length < LONGEST_FIELD && !options.ended && 'retry:data:event:id:'.includes(text)) return undefined;
  if (first === ':' || SSE_FIELD.test(text)) return 'sse';
  return 'text';
}

export interface FramingSniffer {
  /** More of the body's text (the caller keeps it); the framing once the text so far shows it. */
  push(text: string, ended: boolean): Framing | undefined;
}

/**
 * sniffFraming over a body that arrives piece by piece, in O(new text) per piece: it keeps only what the decision
 * depends on (the first line of a `{` body, the first character after a `[`, the first few characters otherwise),
 * so a hostile body of endless whitespace, or a `{` line sent a byte at a time, is not scanned again and again.
 */
export function createFramingSniffer(options: Omit<SniffOptions, 'ended'>): FramingSniffer {
  let window = '';
  /** The window holds all the decision can use: more text cannot change it. */
  let full = false;
  return {
    push(text, ended) {
      let rest = text;
      if (window === '') {
        const start = rest.search(/[^\s\uFEFF]/);
        rest = start === -1 ? '' : rest.slice(start);
      }
      if (!full && rest !== '') {
        const first = window === '' ? rest[0] : window[0];
        if (first === '[') {
          if (window === '') {
            window = '[';
            rest = rest.slice(1);
          }
          const next = rest.search(/\S/);
          if (next !== -1) {
            window += rest[next];
            full = true;
          }
        } else if (first === '{') {
          const lineEnd = rest.search(/[\r\n]/);
          window += lineEnd === -1 ? rest : rest.slice(0, lineEnd + 1);
          full = lineEnd !== -1 || window.length >= MAX_SNIFF_CHARS;
        } else {
          window += rest.slice(0, LONGEST_FIELD + 1 - window.length);
          full = window.length > LONGEST_FIELD || /[\r\n]/.test(window);
        }
      }
      // A `{` line is judged once, when it is whole (or too long, or the body ended).
      if (window[0] === '{' && !full && !ended && options.hint !== 'json') return undefined;
      return sniffFraming(window, { ...options, ended });
    },
  };
}

function isJsonObject(line: string): boolean {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
