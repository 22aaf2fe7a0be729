import { describe, expect, it } from 'vitest';
import { createLineSplitter, createParser, createSseParser, formatFromContentType, type UpstreamEvent } from '../src/parse';

function sse(chunks: string[]): UpstreamEvent[] {
  const events: UpstreamEvent[] = [];
  const parser = createSseParser((e) => events.push(e));
  for (const chunk of chunks) parser.feed(chunk);
  parser.end();
  return events;
}

/** Every way of cutting `text` into two chunks gives the same events as the whole. */
function everySplit(text: string): UpstreamEvent[] {
  const whole = sse([text]);
  for (let i = 1; i < text.length; i++) expect(sse([text.slice(0, i), text.slice(i)])).toEqual(whole);
  expect(sse([...text])).toEqual(whole);
  return whole;
}

describe('SSE parser (WHATWG event-stream interpretation)', () => {
  it('dispatches on a blank line; data lines join with LF; one space after the colon is dropped', () => {
    expect(everySplit('data: a\ndata:b\ndata:  c\n\n')).toEqual([{ event: '', data: 'a\nb\n c' }]);
  });

  it('accepts LF, CR and CRLF line ends, also CRLF split across chunks', () => {
    expect(everySplit('data: 1\r\n\r\ndata: 2\r\rdata: 3\n\n')).toEqual([
      { event: '', data: '1' }, { event: '', data: '2' }, { event: '', data: '3' },
    ]);
  });

  it('an empty data field dispatches an empty event; a block without data dispatches nothing', () => {
    expect(everySplit('data\n\ndata:\n\nevent: x\n\nid: 7\n\n: comment\n\n')).toEqual([
      { event: '', data: '' }, { event: '', data: '' },
    ]);
  });

  it('the event name applies to one event only and resets even when nothing was dispatched', () => {
    expect(everySplit('event: a\ndata: 1\n\nevent: b\n\ndata: 2\n\n')).toEqual([
      { event: 'a', data: '1' }, { event: '', data: '2' },
    ]);
  });

  it('ignores comments, unknown fields, id and retry; a field name without a colon has an empty value', () => {
    expect(everySplit(': hi\nfoo: bar\nid: 1\nretry: 5\nevent\ndata: x\n\n')).toEqual([{ event: '', data: 'x' }]);
  });

  it('a field name is case-sensitive and may not carry spaces', () => {
    expect(everySplit('Data: no\ndata : no\ndata: yes\n\n')).toEqual([{ event: '', data: 'yes' }]);
  });

  it('discards an event the body ends in the middle of', () => {
    expect(sse(['data: complete\n\ndata: partial'])).toEqual([{ event: '', data: 'complete' }]);
    expect(sse(['data: partial\n'])).toEqual([]);
  });

  it('keeps everything after the first colon (JSON with colons, [DONE])', () => {
    expect(everySplit('data: {"a":"b: c"}\n\ndata: [DONE]\n\n')).toEqual([
      { event: '', data: '{"a":"b: c"}' }, { event: '', data: '[DONE]' },
    ]);
  });

  it('is linear: a 4 MiB event in 1 KiB chunks', () => {
    const payload = 'x'.repeat(4 * 1024 * 1024);
    const text = `data: ${payload}\n\n`;
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += 1024) chunks.push(text.slice(i, i + 1024));
    const events = sse(chunks);
    expect(events).toHaveLength(1);
    expect(events[0].data.length).toBe(payload.length);
  });
});

describe('line splitter', () => {
  it('flushes a final unterminated line on end', () => {
    const lines: string[] = [];
    const splitter = createLineSplitter((line) => lines.push(line));
    splitter.feed('a\r');
    splitter.feed('\nb\rc');
    splitter.feed('d');
    splitter.end();
    expect(lines).toEqual(['a', 'b', 'cd']);
  });
});

describe('NDJSON and text', () => {
  it('NDJSON: one event per non-blank line, the last one without a newline too', () => {
    const events: UpstreamEvent[] = [];
    const parser = createParser('ndjson', (e) => events.push(e));
    parser.feed('{"a":1}\n\n  \r\n{"b"');
    parser.feed(':2}\n{"c":3}');
    parser.end();
    expect(events.map((e) => e.data)).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('text: one event per non-empty chunk', () => {
    const events: UpstreamEvent[] = [];
    const parser = createParser('text', (e) => events.push(e));
    parser.feed('ab');
    parser.feed('');
    parser.feed('c\nd');
    parser.end();
    expect(events.map((e) => e.data)).toEqual(['ab', 'c\nd']);
  });

  it('the format follows the content-type; anything else is not a stream', () => {
    expect(formatFromContentType('text/event-stream; charset=utf-8')).toBe('sse');
    expect(formatFromContentType('application/x-ndjson')).toBe('ndjson');
    expect(formatFromContentType('Text/Plain')).toBe('text');
    expect(formatFromContentType('application/json')).toBeNull();
    expect(formatFromContentType('text/html')).toBeNull();
    expect(formatFromContentType(null)).toBeNull();
  });
});
