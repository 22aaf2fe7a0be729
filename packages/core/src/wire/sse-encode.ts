// The writing half of the SSE wire: what the relay sends and the engine's parser reads back.

/** A comment line: keeps proxies from closing an idle connection, ignored by every SSE parser. */
export const SSE_HEARTBEAT = ': ping\n\n';

/** Longest piece `sseEventPieces` yields, in UTF-16 code units (a piece is at most 3× that in UTF-8 bytes). */
export const SSE_PIECE_CHARS = 16 * 1024;

/**
 * One event in SSE framing, cut into pieces of at most `maxChars` code units (never inside a surrogate pair), so
 * that a writer holds one piece at a time however large the event is. Data with line breaks (CR, LF, CRLF) becomes
 * several `data:` lines, which parsers rejoin with LF. An event name of '' or 'message' is left out (the default).
 */
export function* sseEventPieces(id: string, event: string, data: string, maxChars = SSE_PIECE_CHARS): Generator<string> {
  const limit = Math.max(2, maxChars);
  let piece = '';
  /** Appends text, yielding full pieces as they fill up. */
  function* add(text: string): Generator<string> {
    let at = 0;
    while (text.length - at > limit - piece.length) {
      let cut = at + (limit - piece.length);
      // A high surrogate stays with its low half: a lone one would be encoded as U+FFFD.
      if (isHighSurrogate(text.charCodeAt(cut - 1))) cut--;
      if (cut > at || piece !== '') {
        yield piece + text.slice(at, cut);
        piece = '';
        at = cut;
      } else {
        // limit 1 with a pair next: the pair goes out whole
        yield text.slice(at, at + 2);
        at += 2;
      }
    }
    piece += text.slice(at);
  }
  if (id !== '') yield* add(`id: ${id}\n`);
  if (event !== '' && event !== 'message') yield* add(`event: ${event}\n`);
  let start = 0;
  for (;;) {
    const end = nextLineBreak(data, start);
    yield* add('data: ');
    yield* add(data.slice(start, end === -1 ? data.length : end));
    yield* add('\n');
    if (end === -1) break;
    start = data.charCodeAt(end) === 13 && data.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
  }
  yield* add('\n');
  if (piece !== '') yield piece;
}

/** One whole event in SSE framing (see `sseEventPieces`). */
export function encodeSseEvent(id: string, event: string, data: string): string {
  let out = id === '' ? '' : `id: ${id}\n`;
  if (event !== '' && event !== 'message') out += `event: ${event}\n`;
  let start = 0;
  for (;;) {
    const end = nextLineBreak(data, start);
    out += `data: ${end === -1 ? data.slice(start) : data.slice(start, end)}\n`;
    if (end === -1) return `${out}\n`;
    start = data.charCodeAt(end) === 13 && data.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
  }
}

function nextLineBreak(text: string, from: number): number {
  const lf = text.indexOf('\n', from);
  const cr = text.indexOf('\r', from);
  if (lf === -1) return cr;
  if (cr === -1) return lf;
  return Math.min(lf, cr);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Where an event sits: the stream generation that produced it and its 1-based position in it. */
export interface EventPosition {
  /** Names one run of a stream: a resume can only continue the run it came from, never splice in another. */
  generation: string;
  seq: number;
}

const GENERATION = /^[A-Za-z0-9_-]{1,128}$/;
const SEQ = /^(0|[1-9][0-9]{0,14})$/;

/** `<generation>:<seq>`, the id a relay gives an event. */
export function formatEventId(position: EventPosition): string {
  return `${position.generation}:${position.seq}`;
}

/** The position an event id names, or null when the id is not in the `<generation>:<seq>` form. */
export function parseEventId(id: string): EventPosition | null {
  const value = id.trim();
  const colon = value.lastIndexOf(':');
  if (colon === -1) return null;
  const generation = value.slice(0, colon);
  const seq = value.slice(colon + 1);
  if (!GENERATION.test(generation) || !SEQ.test(seq)) return null;
  return { generation, seq: Number(seq) };
}
