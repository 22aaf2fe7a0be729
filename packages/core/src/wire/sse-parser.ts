import { StreamError } from '../errors';
import type { RawEvent } from '../types';

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
  /** One line without its terminator, as produced by the line splitter. */
  pushLine(line: string): void;
  readonly lastEventId: string;
  /** A block has started (a data or event field) and not been dispatched: a body ending now ends mid-event. */
  readonly hasPendingBlock: boolean;
}

/**
 * The WHATWG "event stream interpretation" rules, one line at a time.
 * The caller strips a leading BOM from the stream and splits lines; an unterminated last block is never dispatched.
 */
export function createSseParser(options: SseParserOptions): SseParser {
  let data: string[] = [];
  let dataChars = 0;
  let eventType = '';
  let lastEventId = options.lastEventId ?? '';
  let idBuffer = lastEventId;
  let blockHasId = false;

  function dispatch(): void {
    lastEventId = idBuffer;
    const hadId = blockHasId;
    blockHasId = false;
    if (data.length === 0) {
      eventType = '';
      return;
    }
    const event: RawEvent = { event: eventType || 'message', data: data.join('\n'), id: lastEventId };
    data = [];
    dataChars = 0;
    eventType = '';
    options.onEvent(event, hadId);
  }

  function processField(name: string, value: string): void {
    switch (name) {
      case 'event':
        eventType = value;
        return;
      case 'data':
        dataChars += value.length + 1;
        if (dataChars > options.maxEventChars) {
          data = [];
          dataChars = 0;
          throw new StreamError('overflow', `An event exceeded maxEventBytes (${options.maxEventChars})`);
        }
        data.push(value);
        return;
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

  return {
    pushLine(line) {
      if (line === '') return dispatch();
      const colon = line.indexOf(':');
      if (colon === 0) return; // comment
      if (colon === -1) return processField(line, '');
      const value = line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
      processField(line.slice(0, colon), value);
    },
    get lastEventId() {
      return lastEventId;
    },
    get hasPendingBlock() {
      return data.length > 0 || eventType !== '';
    },
  };
}
