import { describe, expect, it } from 'vitest';
import { createFramer, type FramedEvent, type Framing } from '../../src/wire/framing';

function frame(framing: Framing, pieces: string[]): { data: string[]; clean: boolean } {
  const framer = createFramer(framing, { maxEventChars: 1 << 20 });
  const out: FramedEvent[] = [];
  for (const piece of pieces) framer.feed(piece, out);
  const clean = framer.end(out);
  return { data: out.map((e) => e.event.data), clean };
}

describe('createFramer', () => {
  it('SSE: events, and a body that stops inside a block is not a clean end', () => {
    expect(frame('sse', ['data: a\n\ndata: b\n\n'])).toEqual({ data: ['a', 'b'], clean: true });
    expect(frame('sse', ['data: a\n\ndata: b'])).toEqual({ data: ['a'], clean: false });
    expect(frame('sse', ['data: a\n\nevent: x\n'])).toEqual({ data: ['a'], clean: false });
  });

  it('SSE: a block with only an event name (LangChain `event: end`) dispatches nothing and ends clean', () => {
    expect(frame('sse', ['event: data\ndata: "hi"\n\nevent: end\n\n'])).toEqual({ data: ['"hi"'], clean: true });
  });

  it('SSE: a trailing comment or blank lines still end clean', () => {
    expect(frame('sse', ['data: a\n\n: ping'])).toEqual({ data: ['a'], clean: true });
    expect(frame('sse', ['data: a\n\n\n\n'])).toEqual({ data: ['a'], clean: true });
  });

  it('NDJSON: a last line without newline counts when it is whole JSON; a cut one is a drop', () => {
    expect(frame('ndjson', ['{"a":1}\n{"b":2}'])).toEqual({ data: ['{"a":1}', '{"b":2}'], clean: true });
    expect(frame('ndjson', ['{"a":1}\n{"b":'])).toEqual({ data: ['{"a":1}'], clean: false });
    expect(frame('ndjson', ['{"a":1}\r\n\r\n  \n'])).toEqual({ data: ['{"a":1}'], clean: true });
  });

  it('text: each piece is an event, and the end of the body is always clean', () => {
    expect(frame('text', ['Hel', '', 'lo'])).toEqual({ data: ['Hel', 'lo'], clean: true });
  });

  it('JSON array: elements, clean only once the array closed', () => {
    expect(frame('json-array', ['[{"a":1},', '{"b":2}]'])).toEqual({ data: ['{"a":1}', '{"b":2}'], clean: true });
    expect(frame('json-array', ['[{"a":1},'])).toEqual({ data: ['{"a":1}'], clean: false });
  });

  it('SSE ids: hasOwnId marks blocks that set one', () => {
    const framer = createFramer('sse', { maxEventChars: 1000, lastEventId: '7' });
    const out: FramedEvent[] = [];
    framer.feed('data: a\n\nid: 8\ndata: b\n\n', out);
    expect(out.map((e) => [e.event.id, e.hasOwnId])).toEqual([['7', false], ['8', true]]);
  });
});
