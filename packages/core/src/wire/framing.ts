import type { RawEvent } from '../types';
import { createJsonArraySplitter } from './json-array';
import { createLineSplitter } from './line-splitter';
import { createSseParser } from './sse-parser';

/** How a body is cut into events: SSE blocks, NDJSON lines, text chunks, or the elements of a streamed JSON array. */
export type Framing = 'sse' | 'ndjson' | 'text' | 'json-array';

/** One event as framed; `hasOwnId`: its SSE block carried an `id:` field (others inherit the last id). */
export interface FramedEvent {
  event: RawEvent;
  hasOwnId: boolean;
}

export interface FramerOptions {
  /** Largest event or line, in UTF-16 code units; past it an 'overflow' StreamError is thrown. */
  maxEventChars: number;
  /** SSE: the last event id before this body (ids persist across reconnects). */
  lastEventId?: string;
  /** SSE `retry:` field. */
  onRetry?(ms: number): void;
}

export interface Framer {
  /** Decoded text in; the events it completes are pushed onto `out`. */
  feed(text: string, out: FramedEvent[]): void;
  /**
   * The body ended. Flushes what a last unterminated item completes (an NDJSON line that is whole JSON) and answers
   * whether the body ended on an event boundary: false means it stopped in the middle of an event (a drop).
   */
  end(out: FramedEvent[]): boolean;
}

const message = (data: string): FramedEvent => ({ event: { event: 'message', data, id: '' }, hasOwnId: false });

/** A feed/end parser for one body, in the style of eventsource-parser; linear in the body's length. */
export function createFramer(framing: Framing, options: FramerOptions): Framer {
  switch (framing) {
    case 'text':
      return {
        feed: (text, out) => void (text && out.push(message(text))),
        end: () => true,
      };
    case 'json-array': {
      let sink: FramedEvent[] = [];
      const splitter = createJsonArraySplitter((json) => sink.push(message(json)), options.maxEventChars);
      return {
        feed(text, out) {
          sink = out;
          splitter.push(text);
        },
        end: () => splitter.end(),
      };
    }
    case 'ndjson': {
      let sink: FramedEvent[] = [];
      const splitter = createLineSplitter((line) => {
        if (line.trim() !== '') sink.push(message(line));
      }, options.maxEventChars);
      return {
        feed(text, out) {
          sink = out;
          splitter.push(text);
        },
        end(out) {
          const rest = splitter.end();
          if (rest === null || rest.trim() === '') return true;
          // A last line without its newline counts when it is a whole JSON value; a cut one is a drop.
          if (!isJson(rest)) return false;
          out.push(message(rest));
          return true;
        },
      };
    }
    case 'sse': {
      let sink: FramedEvent[] = [];
      const parser = createSseParser({
        onEvent: (event, hasOwnId) => sink.push({ event, hasOwnId }),
        onRetry: options.onRetry,
        maxEventChars: options.maxEventChars,
        lastEventId: options.lastEventId,
      });
      return {
        feed(text, out) {
          sink = out;
          parser.feed(text);
        },
        end: () => parser.end(),
      };
    }
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
