import { describe, expect, it } from 'vitest';
import { createStream } from '../../src/stream';
import type { RawEvent } from '../../src/types';
import { bytes, chunkEvery, scriptedFetch, streamResponse } from '@tokenstream/test-utils';

// Cases written from the WHATWG HTML "event stream interpretation" rules, checked through the public onEvent.
// `midEvent`: the body stops inside a block; that block is not dispatched, and the stream ends as a drop.
const cases: Array<{ name: string; input: string; events: Array<Partial<RawEvent>>; midEvent?: true }> = [
  { name: 'one event', input: 'data: hello\n\n', events: [{ event: 'message', data: 'hello', id: '' }] },
  { name: 'no space after colon', input: 'data:hello\n\n', events: [{ data: 'hello' }] },
  { name: 'only one leading space is stripped', input: 'data:  hello\n\n', events: [{ data: ' hello' }] },
  { name: 'multi-line data joined with LF', input: 'data: a\ndata: b\n\n', events: [{ data: 'a\nb' }] },
  { name: 'field without colon is a field with empty value', input: 'data\n\n', events: [{ data: '' }] },
  { name: 'two empty data lines', input: 'data:\ndata:\n\n', events: [{ data: '\n' }] },
  { name: 'first empty data line kept', input: 'data:\ndata: x\n\n', events: [{ data: '\nx' }] },
  { name: 'named event', input: 'event: foo\ndata: x\n\n', events: [{ event: 'foo', data: 'x' }] },
  { name: 'event type resets after dispatch', input: 'event: foo\ndata: a\n\ndata: b\n\n', events: [{ event: 'foo' }, { event: 'message' }] },
  { name: 'event type resets on an empty block', input: 'event: foo\n\ndata: x\n\n', events: [{ event: 'message', data: 'x' }] },
  { name: 'empty event name means message', input: 'event:\ndata: x\n\n', events: [{ event: 'message' }] },
  { name: 'comment ignored', input: ': keep-alive\n\n', events: [] },
  { name: 'empty comment', input: ':\n\n', events: [] },
  { name: 'comment inside a block', input: 'data: x\n: note\n\n', events: [{ data: 'x' }] },
  { name: 'id-only block dispatches nothing but sets the id', input: 'id: 7\n\ndata: x\n\n', events: [{ data: 'x', id: '7' }] },
  { name: 'id persists to later events', input: 'id: 1\ndata: a\n\ndata: b\n\n', events: [{ id: '1' }, { id: '1' }] },
  { name: 'empty id resets', input: 'id: 1\ndata: a\n\nid\ndata: b\n\n', events: [{ id: '1' }, { id: '' }] },
  { name: 'id with NUL ignored', input: 'id: 1\ndata: a\n\nid: 2\u00003\ndata: b\n\n', events: [{ id: '1' }, { id: '1' }] },
  { name: 'id applies only at dispatch', input: 'data: a\nid: 5\n\n', events: [{ data: 'a', id: '5' }] },
  { name: 'unknown field ignored', input: 'foo: bar\ndata: x\n\n', events: [{ data: 'x' }] },
  { name: 'field names are case-sensitive', input: 'DATA: x\n\n', events: [] },
  { name: 'space before colon makes another field', input: 'data : x\n\n', events: [] },
  { name: 'colon inside value kept', input: 'data: a:b: c\n\n', events: [{ data: 'a:b: c' }] },
  { name: 'unterminated last block discarded', input: 'data: a\n\ndata: b', events: [{ data: 'a' }], midEvent: true },
  { name: 'block without blank line discarded', input: 'data: a\n', events: [], midEvent: true },
  { name: 'CR line endings', input: 'data: a\r\rdata: b\r\r', events: [{ data: 'a' }, { data: 'b' }] },
  { name: 'CRLF line endings', input: 'data: a\r\ndata: b\r\n\r\n', events: [{ data: 'a\nb' }] },
  { name: 'mixed line endings', input: 'data: a\rdata: b\ndata: c\r\n\n', events: [{ data: 'a\nb\nc' }] },
  { name: 'leading BOM stripped', input: '\uFEFFdata: x\n\n', events: [{ data: 'x' }] },
  { name: 'BOM later is part of the field name', input: 'data: a\n\n\uFEFFdata: b\n\n', events: [{ data: 'a' }] },
  { name: 'several blank lines', input: 'data: x\n\n\n\n', events: [{ data: 'x' }] },
  { name: 'retry field is not an event', input: 'retry: 1000\ndata: x\n\n', events: [{ data: 'x' }] },
  { name: 'non-ASCII data', input: 'data: héllo — 👋\n\n', events: [{ data: 'héllo — 👋' }] },
  { name: 'NUL in data kept', input: 'data: a\u0000b\n\n', events: [{ data: 'a\u0000b' }] },
  { name: 'trailing spaces kept', input: 'data: x  \n\n', events: [{ data: 'x  ' }] },
];

async function eventsOf(chunks: Uint8Array[], midEvent = false): Promise<RawEvent[]> {
  const events: RawEvent[] = [];
  const { fetch } = scriptedFetch((request) => streamResponse({ chunks }, { signal: request.signal }));
  const snapshot = await createStream({ url: 'http://test/sse', provider: 'none', fetch, retry: false, onEvent: (e) => events.push(e) }).start();
  expect(snapshot.status).toBe(midEvent ? 'error' : 'done');
  if (midEvent) expect(snapshot.error).toMatchObject({ kind: 'network', code: 'incomplete' });
  return events;
}

describe('SSE parsing follows the WHATWG rules', () => {
  for (const testCase of cases) {
    it(testCase.name, async () => {
      const events = await eventsOf([bytes(testCase.input)], testCase.midEvent);
      expect(events).toHaveLength(testCase.events.length);
      testCase.events.forEach((expected, i) => expect(events[i]).toMatchObject(expected));
    });
  }

  const sample = 'id: 1\r\nevent: delta\r\ndata: héllo 👋 wörld\r\n\r\n: ping\r\ndata: a\rdata: b\r\rid: 2\ndata: ünïcode — ok\n\n';
  const sampleBytes = bytes(sample);

  it('gives the same events at every split point of a sample (inside CRLF and inside multi-byte characters)', async () => {
    const expected = await eventsOf([sampleBytes]);
    expect(expected.map((e) => e.data)).toEqual(['héllo 👋 wörld', 'a\nb', 'ünïcode — ok']);
    for (let split = 1; split < sampleBytes.length; split++) {
      const events = await eventsOf([sampleBytes.subarray(0, split), sampleBytes.subarray(split)]);
      expect(events, `split at byte ${split}`).toEqual(expected);
    }
  });

  it('gives the same events when every byte is its own chunk', async () => {
    expect(await eventsOf(chunkEvery(sampleBytes, 1))).toEqual(await eventsOf([sampleBytes]));
  });
});
