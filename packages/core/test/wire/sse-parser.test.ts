import { describe, expect, it } from 'vitest';
import { StreamError } from '../../src/errors';
import type { RawEvent } from '../../src/types';
import { createSseParser, type SseParserOptions } from '../../src/wire/sse-parser';

// createSseParser on its own, line by line (test/wire/sse-spec.test.ts checks the same rules end to end).

function parse(lines: string[], options: Partial<SseParserOptions> = {}) {
  const events: Array<{ event: RawEvent; hasOwnId: boolean }> = [];
  const retries: number[] = [];
  const parser = createSseParser({
    onEvent: (event, hasOwnId) => events.push({ event, hasOwnId }),
    onRetry: (ms) => retries.push(ms),
    maxEventChars: 1000,
    ...options,
  });
  for (const line of lines) parser.pushLine(line);
  return { events, retries, parser };
}

describe('createSseParser', () => {
  it('dispatches a block on the blank line, with the default event type', () => {
    const { events } = parse(['data: hello', '']);
    expect(events).toEqual([{ event: { event: 'message', data: 'hello', id: '' }, hasOwnId: false }]);
  });

  it('strips one space after the colon, joins data lines with LF, skips comments and unknown fields', () => {
    const { events } = parse([': comment', 'data:  two spaces', 'data:b', 'foo: bar', '']);
    expect(events.map((e) => e.event.data)).toEqual([' two spaces\nb']);
  });

  it('a field without a colon has an empty value', () => {
    expect(parse(['data', 'data', '']).events.map((e) => e.event.data)).toEqual(['\n']);
  });

  it('the event type applies to one block only', () => {
    const { events } = parse(['event: delta', 'data: 1', '', 'data: 2', '']);
    expect(events.map((e) => e.event.event)).toEqual(['delta', 'message']);
  });

  it('a block without data is not dispatched, and its event type does not leak', () => {
    const { events } = parse(['event: ping', '', 'data: x', '']);
    expect(events).toEqual([{ event: { event: 'message', data: 'x', id: '' }, hasOwnId: false }]);
  });

  it('ids persist across blocks; hasOwnId says whether this block set it', () => {
    const { events, parser } = parse(['id: 7', 'data: a', '', 'data: b', '']);
    expect(events.map((e) => [e.event.id, e.hasOwnId])).toEqual([
      ['7', true],
      ['7', false],
    ]);
    expect(parser.lastEventId).toBe('7');
  });

  it('an id containing NUL is ignored; an empty id resets', () => {
    const { events } = parse(['id: 1', 'data: a', '', 'id: 2\u00003', 'data: b', '', 'id', 'data: c', '']);
    expect(events.map((e) => e.event.id)).toEqual(['1', '1', '']);
  });

  it('starts from the last event id of an earlier connection', () => {
    const { events } = parse(['data: a', ''], { lastEventId: '41' });
    expect(events[0]?.event.id).toBe('41');
  });

  it('retry: only a value of ASCII digits is reported', () => {
    expect(parse(['retry: 1500', 'retry: 1.5', 'retry: -1', 'retry: soon', 'retry: 0']).retries).toEqual([1500, 0]);
  });

  it('hasPendingBlock: true between a data or event field and the blank line that dispatches it', () => {
    const { parser } = parse([]);
    expect(parser.hasPendingBlock).toBe(false);
    parser.pushLine('event: x');
    expect(parser.hasPendingBlock).toBe(true);
    parser.pushLine('data: y');
    parser.pushLine('');
    expect(parser.hasPendingBlock).toBe(false);
    parser.pushLine('id: 3');
    expect(parser.hasPendingBlock).toBe(false);
  });

  it('an event whose data grows past maxEventChars is a typed overflow error, and the parser goes on after it', () => {
    const { parser, events } = parse([], { maxEventChars: 10 });
    parser.pushLine('data: 12345');
    let error: unknown;
    try {
      parser.pushLine('data: 67890');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ kind: 'overflow' });
    parser.pushLine('');
    parser.pushLine('data: ok');
    parser.pushLine('');
    expect(events.map((e) => e.event.data)).toEqual(['ok']);
  });
});

describe('createSseParser feed/end (text cut anywhere)', () => {
  const body = ': hi\r\nevent: a\r\ndata: 1\r\ndata:  2\r\nid: 7\r\n\r\ndata: x\rdata: y\r\rretry: 50\nfoo\ndata\n\n: tail comment';
  const expected = [
    { event: { event: 'a', data: '1\n 2', id: '7' }, hasOwnId: true },
    { event: { event: 'message', data: 'x\ny', id: '7' }, hasOwnId: false },
    { event: { event: 'message', data: '', id: '7' }, hasOwnId: false },
  ];

  function feedAll(pieces: string[], maxEventChars = 1000) {
    const events: Array<{ event: RawEvent; hasOwnId: boolean }> = [];
    const retries: number[] = [];
    const parser = createSseParser({ onEvent: (event, hasOwnId) => events.push({ event, hasOwnId }), onRetry: (ms) => retries.push(ms), maxEventChars });
    for (const piece of pieces) parser.feed(piece);
    return { events, retries, clean: parser.end() };
  }

  it('gives the same events wherever the text is cut, CR LF pairs included', () => {
    for (let cut = 0; cut <= body.length; cut++) {
      expect(feedAll([body.slice(0, cut), body.slice(cut)]), `cut at ${cut}`).toEqual({ events: expected, retries: [50], clean: true });
    }
    expect(feedAll([...body])).toEqual({ events: expected, retries: [50], clean: true });
    // An empty feed between a CR and its LF does not split the pair.
    expect(feedAll(['data: 1\r', '', '\n\r', '', '\n']).events.map((e) => e.event.data)).toEqual(['1']);
  });

  it('end() says whether the body stopped between events', () => {
    expect(feedAll(['data: 1\n\n']).clean).toBe(true);
    expect(feedAll(['data: 1\n']).clean).toBe(false);
    expect(feedAll(['data: 1']).clean).toBe(false);
    expect(feedAll(['event: x\n']).clean).toBe(false);
    expect(feedAll(['data: 1\n\n: keep-alive']).clean).toBe(true);
  });

  it('an unterminated line longer than maxEventChars is an overflow while it is held, fed a char at a time or at once', () => {
    expect(() => feedAll(['data: ', 'x'.repeat(20)], 10)).toThrow(expect.objectContaining({ kind: 'overflow' }));
    expect(() => feedAll([...`data: ${'x'.repeat(20)}`], 10)).toThrow(expect.objectContaining({ kind: 'overflow' }));
    expect(() => feedAll([`data: ${'x'.repeat(20)}\n\n`], 10)).toThrow(expect.objectContaining({ kind: 'overflow' }));
    expect(feedAll([`data: ${'x'.repeat(4)}\n\n`], 10).events).toHaveLength(1);
  });

  it('is linear: a 4 MB line in 1-char and 64 KB pieces is joined once', () => {
    const line = `data: ${'y'.repeat(4 << 20)}\n\n`;
    const pieces: string[] = [];
    for (let i = 0; i < line.length; i += 65536) pieces.push(line.slice(i, i + 65536));
    expect(feedAll(pieces, 8 << 20).events[0].event.data.length).toBe(4 << 20);
  });
});
