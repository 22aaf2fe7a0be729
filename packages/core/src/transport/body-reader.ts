import { StreamError } from '../errors';
import type { RawEvent } from '../types';
import type { BodyFormat } from '../wire/content-type';
import { createLineSplitter } from '../wire/line-splitter';
import { createSseParser } from '../wire/sse-parser';

export interface EventSink {
  /** Returns true when the stream is finished (terminal signal seen): reading stops and the body is released. */
  onEvent(event: RawEvent, hasOwnId: boolean): boolean;
  onBytes(count: number): void;
  onRetry(ms: number): void;
}

export interface ReadEventsOptions {
  format: BodyFormat;
  maxEventChars: number;
  /** The last event id before this connection (persists across reconnects). */
  lastEventId: string;
}

/**
 * Reads a response body to its end (or until the sink reports the terminal signal), turning bytes into RawEvents.
 * Resolves 'finished' when the sink said so, 'ended' when the body ended; rejects with a 'network' StreamError when reading
 * fails. The reader is always released.
 */
export async function readEvents(
  body: ReadableStream<Uint8Array>,
  sink: EventSink,
  options: ReadEventsOptions,
): Promise<'finished' | 'ended'> {
  const reader = body.getReader();
  const decoder = new TextDecoder('utf-8');
  let finished = false;
  const emit = (event: RawEvent, hasOwnId: boolean) => {
    if (!finished && sink.onEvent(event, hasOwnId)) finished = true;
  };
  const feed = createFormatFeeder(options, emit, sink);
  let released = false;
  try {
    while (!finished) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (cause) {
        throw new StreamError('network', 'The connection dropped while reading the stream', { cause });
      }
      if (chunk.done) {
        released = true;
        feed.text(decoder.decode());
        feed.end();
        return finished ? 'finished' : 'ended';
      }
      sink.onBytes(chunk.value.byteLength);
      feed.text(decoder.decode(chunk.value, { stream: true }));
    }
    return 'finished';
  } finally {
    if (!released) reader.cancel().catch(() => undefined);
    else reader.releaseLock();
  }
}

interface Feeder {
  text(text: string): void;
  end(): void;
}

function createFormatFeeder(
  options: ReadEventsOptions,
  emit: (event: RawEvent, hasOwnId: boolean) => void,
  sink: EventSink,
): Feeder {
  if (options.format === 'text') {
    return {
      text: (text) => text && emit({ event: 'message', data: text, id: '' }, false),
      end: () => undefined,
    };
  }
  if (options.format === 'ndjson') {
    const emitLine = (line: string) => {
      if (line.trim() !== '') emit({ event: 'message', data: line, id: '' }, false);
    };
    const splitter = createLineSplitter(emitLine, options.maxEventChars);
    return {
      text: (text) => splitter.push(text),
      // A last line without its newline is still a whole JSON value.
      end: () => {
        const rest = splitter.end();
        if (rest !== null) emitLine(rest);
      },
    };
  }
  const parser = createSseParser({
    onEvent: emit,
    onRetry: (ms) => sink.onRetry(ms),
    maxEventChars: options.maxEventChars,
    lastEventId: options.lastEventId,
  });
  const splitter = createLineSplitter((line) => parser.pushLine(line), options.maxEventChars);
  return {
    text: (text) => splitter.push(text),
    // An unterminated last block is discarded (spec: incomplete events are not dispatched).
    end: () => void splitter.end(),
  };
}
