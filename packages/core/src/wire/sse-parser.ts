import { StreamError } from '../errors';
import type { RawEvent } from '../types';
import { createLineScanner } from './line-splitter';

export interface SseParserOptions {
  /** `hasOwnId`: the event's block carried an `id:` field (else `id` is inherited from an earlier event). */
  onEvent(event: RawEvent, hasOwnId: boolean): void;
  onRetry?(ms: number): void;
  /** Largest data buffer of one event, in UTF-16 code units. */
  maxEventChars: number;
  /** Last event id carried over from an earlier connection (it persists across reconnects, per the spec). */
  lastEventId?: string;
}

export interface SseParser {
  /** Decoded text, cut anywhere (also between CR and LF); the events it completes go to `onEvent`. */
  feed(text: string): void;
  /**
   * The body ended: answers whether it ended between events. An unterminated last block is never dispatched (per
   * the spec); a body that stops inside one stopped mid-event.
   */
  end(): boolean;
  /** One line without its terminator (for callers that split lines themselves). */
  pushLine(line: string): void;
  readonly lastEventId: string;
  /** A block has started (a data or event field) and not been dispatched: a body ending now ends mid-event. */
  readonly hasPendingBlock: boolean;
}

/**
 * The WHATWG "event stream interpretation" rules. `feed` reads lines in place by index (no slice per line, none for
 * the field name of a data line); a line cut across feeds is kept as pieces and joined once. The caller strips a
 * leading BOM (TextDecoder does).
 */
export function createSseParser(options: SseParserOptions): SseParser {
  // Most events have one data line: it is kept as a string; a second line starts a list (joined at dispatch).
  let data: string | string[] | null = null;
  let dataChars = 0;
  let eventType = '';
  let lastEventId = options.lastEventId ?? '';
  let idBuffer = lastEventId;
  let blockHasId = false;

  function dispatch(): void {
    lastEventId = idBuffer;
    const hadId = blockHasId;
    blockHasId = false;
    if (data === null) {
      eventType = '';
      return;
    }
    const event: RawEvent = { event: eventType || 'message', data: typeof data === 'string' ? data : data.join('\n'), id: lastEventId };
    data = null;
    dataChars = 0;
    eventType = '';
    options.onEvent(event, hadId);
  }

  function appendData(value: string): void {
    dataChars += value.length + 1;
    if (dataChars > options.maxEventChars) {
      data = null;
      dataChars = 0;
      throw new StreamError('overflow', `An event exceeded maxEventBytes (${options.maxEventChars})`);
    }
    if (data === null) data = value;
    else if (typeof data === 'string') data = [data, value];
    else data.push(value);
  }

  function processField(name: string, value: string): void {
    switch (name) {
      case 'event':
        eventType = value;
        return;
      case 'data':
        return appendData(value);
      case 'id':
        if (!value.includes('\u0000')) {
          idBuffer = value;
          blockHasId = true;
        }
        return;
      case 'retry':
        if (/^[0-9]+$/.test(value)) options.onRetry?.(Number(value));
        return;
      default:
        return;
    }
  }

  function lineAt(text: string, start: number, end: number): void {
    if (start === end) return dispatch();
    const first = text.charCodeAt(start);
    if (first === 100 && text.startsWith('data:', start)) {
      // The terminator follows the line, so charCodeAt(start + 5) is never a space that is not the value's.
      return appendData(text.slice(text.charCodeAt(start + 5) === 32 ? start + 6 : start + 5, end));
    }
    if (first === 58) return; // comment
    pushLine(text.slice(start, end));
  }

  const lines = createLineScanner(lineAt, options.maxEventChars);

  function pushLine(line: string): void {
    if (line === '') return dispatch();
    const colon = line.indexOf(':');
    if (colon === 0) return; // comment
    if (colon === -1) return processField(line, '');
    const value = line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
    processField(line.slice(0, colon), value);
  }

  return {
    feed: (text) => lines.push(text),
    end() {
      const rest = lines.end() ?? '';
      const clean = (rest === '' || rest.startsWith(':')) && data === null && eventType === '';
      data = null;
      dataChars = 0;
      eventType = '';
      return clean;
    },
    pushLine,
    get lastEventId() {
      return lastEventId;
    },
    get hasPendingBlock() {
      return data !== null || eventType !== '';
    },
  };
}
