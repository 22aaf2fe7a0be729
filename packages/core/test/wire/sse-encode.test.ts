import { describe, expect, it } from 'vitest';
import { createLineSplitter } from '../../src/wire/line-splitter';
import { createSseParser } from '../../src/wire/sse-parser';
import { encodeSseEvent, formatEventId, parseEventId, sseEventPieces, SSE_HEARTBEAT } from '../../src/wire/sse-encode';
import type { RawEvent } from '../../src/types';

/** What the engine reads back: the encoded pieces as UTF-8 bytes, decoded and parsed by core's own SSE reader. */
function readBack(pieces: Iterable<string>): RawEvent[] {
  const events: RawEvent[] = [];
  const parser = createSseParser({ onEvent: (event) => events.push(event), maxEventChars: 1 << 26 });
  const splitter = createLineSplitter((line) => parser.pushLine(line), 1 << 26);
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  for (const piece of pieces) splitter.push(decoder.decode(encoder.encode(piece), { stream: true }));
  splitter.push(decoder.decode());
  return events;
}

describe('sseEventPieces / encodeSseEvent', () => {
  it('round-trips id, event name and data through the SSE parser', () => {
    const events = readBack([encodeSseEvent('run:1', 'message_start', '{"a":1}'), SSE_HEARTBEAT,
      encodeSseEvent('run:2', '', 'plain')]);
    expect(events).toEqual([
      { id: 'run:1', event: 'message_start', data: '{"a":1}' },
      { id: 'run:2', event: 'message', data: 'plain' },
    ]);
  });

  it('line breaks of every kind become data lines that read back as LF; empty lines and an empty data survive', () => {
    const data = 'a\r\nb\rc\n\nd\n';
    const [event] = readBack([encodeSseEvent('x:1', 'message', data)]);
    expect(event.data).toBe('a\nb\nc\n\nd\n');
    expect(readBack([encodeSseEvent('x:2', '', '')])).toEqual([{ id: 'x:2', event: 'message', data: '' }]);
    expect(encodeSseEvent('x:3', 'message', 'v')).toBe('id: x:3\ndata: v\n\n');
  });

  it('cuts a large event into bounded pieces, never inside a surrogate pair, and the pieces read back exactly', () => {
    const data = `${'😀'.repeat(5000)}\n${'é'.repeat(9001)}x${'中'.repeat(20_000)}`;
    for (const max of [7, 64, 1000, 4096]) {
      const pieces = [...sseEventPieces('big:1', 'delta', data, max)];
      expect(pieces.length).toBeGreaterThan(data.length / max - 1);
      for (const piece of pieces) {
        expect(piece.length).toBeLessThanOrEqual(max);
        // A lone surrogate would be encoded as U+FFFD: the piece must be well-formed on its own.
        expect(new TextDecoder().decode(new TextEncoder().encode(piece))).toBe(piece);
      }
      expect(readBack(pieces)).toEqual([{ id: 'big:1', event: 'delta', data }]);
    }
  });
});

describe('event ids', () => {
  it('format and parse a generation and seq; other forms are null', () => {
    expect(formatEventId({ generation: 'abc_1-Z', seq: 42 })).toBe('abc_1-Z:42');
    expect(parseEventId(' abc_1-Z:42 ')).toEqual({ generation: 'abc_1-Z', seq: 42 });
    for (const bad of ['', 'abc', 'abc:', ':1', 'a b:1', 'abc:01', 'abc:-1', 'abc:1.5', `${'a'.repeat(129)}:1`, 'abc:1e3']) {
      expect(parseEventId(bad)).toBeNull();
    }
  });
});

describe('encodeSseEvent and sseEventPieces agree', () => {
  it.each([['', '', ''], ['a:1', 'message', 'x\r\ny'], ['b:2', 'e', '\n\n'], ['c:3', '', 'é😀\rz']])('%s', (id, event, data) => {
    expect([...sseEventPieces(id, event, data, 3)].join('')).toBe(encodeSseEvent(id, event, data));
  });
});
