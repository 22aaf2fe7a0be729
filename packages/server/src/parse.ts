/**
 * Linear parsers for the upstream body: WHATWG server-sent events, NDJSON and plain text.
 * Each is fed decoded text chunk by chunk; an incomplete line is kept as a list of pieces and joined
 * once, so one large event costs one copy, not one per chunk.
 */

export interface UpstreamEvent {
  /** The `event:` field, '' when the upstream named none (clients read that as 'message'). */
  event: string;
  data: string;
}

export interface TextFeed {
  feed(text: string): void;
  /** The body ended: flush what the format allows to flush. */
  end(): void;
}

/** Splits text into lines at CRLF, LF or CR, including a CRLF split across two chunks. */
export function createLineSplitter(onLine: (line: string) => void): TextFeed {
  let pieces: string[] = [];
  let skipLeadingLF = false;

  const flushLine = (lastPiece: string) => {
    const line = pieces.length === 0 ? lastPiece : pieces.join('') + lastPiece;
    pieces = [];
    onLine(line);
  };

  return {
    feed(text) {
      let start = 0;
      if (skipLeadingLF && text.length > 0) {
        if (text.charCodeAt(0) === 10) start = 1;
        skipLeadingLF = false;
      }
      for (let i = start; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code !== 10 && code !== 13) continue;
        flushLine(text.slice(start, i));
        if (code === 13) {
          if (i + 1 === text.length) skipLeadingLF = true;
          else if (text.charCodeAt(i + 1) === 10) i++;
        }
        start = i + 1;
      }
      if (start < text.length) pieces.push(text.slice(start));
    },
    end() {
      if (pieces.length > 0) flushLine('');
    },
  };
}

/** The event-stream interpretation of https://html.spec.whatwg.org/multipage/server-sent-events.html, minus `id`/`retry`. */
export function createSseParser(onEvent: (event: UpstreamEvent) => void): TextFeed {
  let dataLines: string[] = [];
  let hasData = false;
  let eventType = '';

  const splitter = createLineSplitter((line) => {
    if (line === '') {
      if (hasData) onEvent({ event: eventType, data: dataLines.join('\n') });
      dataLines = [];
      hasData = false;
      eventType = '';
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' comment */) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = '';
    if (colon !== -1) value = line.slice(line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1);
    if (field === 'data') {
      dataLines.push(value);
      hasData = true;
    } else if (field === 'event') {
      eventType = value;
    }
    // `id` and `retry` are the upstream's; the relay gives its own ids and clients reconnect to the relay.
  });

  return {
    feed: (text) => splitter.feed(text),
    // Per the spec, an event not terminated by a blank line when the body ends is discarded.
    end: () => undefined,
  };
}

/** Newline-delimited JSON: every non-blank line is one event's data, the last line even without a newline. */
export function createNdjsonParser(onEvent: (event: UpstreamEvent) => void): TextFeed {
  const splitter = createLineSplitter((line) => {
    if (line.trim() !== '') onEvent({ event: '', data: line });
  });
  return { feed: (text) => splitter.feed(text), end: () => splitter.end() };
}

/** Plain text: every chunk the upstream sent becomes one event. */
export function createTextParser(onEvent: (event: UpstreamEvent) => void): TextFeed {
  return {
    feed: (text) => {
      if (text !== '') onEvent({ event: '', data: text });
    },
    end: () => undefined,
  };
}

export type UpstreamFormat = 'sse' | 'ndjson' | 'text';

/** The body format from the upstream's content-type; null when it is not a stream the relay can carry. */
export function formatFromContentType(contentType: string | null): UpstreamFormat | null {
  const mime = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mime === 'text/event-stream') return 'sse';
  if (mime === 'application/x-ndjson' || mime === 'application/jsonl' || mime === 'application/jsonlines'
    || mime === 'application/ndjson' || mime === 'application/x-jsonlines') return 'ndjson';
  if (mime === 'text/plain') return 'text';
  return null;
}

export function createParser(format: UpstreamFormat, onEvent: (event: UpstreamEvent) => void): TextFeed {
  if (format === 'sse') return createSseParser(onEvent);
  if (format === 'ndjson') return createNdjsonParser(onEvent);
  return createTextParser(onEvent);
}
