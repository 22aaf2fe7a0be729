import { describe, expect, it } from 'vitest';
import { framingFromContentType, sniffFraming, type SniffOptions } from '../../src/wire/sniff';

const known = (line: string) => line.includes('"choices"');
const sniff = (prefix: string, options: Partial<SniffOptions> = {}) =>
  sniffFraming(prefix, { hint: 'sniff', ended: false, recognizes: known, ...options });

describe('framingFromContentType', () => {
  it.each([
    ['text/event-stream; charset=utf-8', 'sse'],
    ['application/x-ndjson', 'ndjson'],
    ['application/jsonl', 'ndjson'],
    ['application/json', 'json'],
    ['application/vnd.api+json', 'json'],
    ['text/plain; charset=utf-8', 'sniff'],
    [null, 'sniff'],
    ['application/octet-stream', 'sniff'],
    ['text/html', null],
    ['image/png', null],
  ])('%s -> %s', (contentType, framing) => {
    expect(framingFromContentType(contentType)).toBe(framing);
  });
});

describe('sniffFraming', () => {
  it('reads mislabelled SSE as SSE, from any field or a comment', () => {
    expect(sniff('data: {"x":1}\n\n')).toBe('sse');
    expect(sniff('\uFEFF\n event: ping\n')).toBe('sse');
    expect(sniff(': keep-alive\n')).toBe('sse');
    expect(sniff('id: 1\n')).toBe('sse');
    expect(sniff('data\n')).toBe('sse');
  });

  it('waits while the first characters could still be a field name', () => {
    expect(sniff('da')).toBeUndefined();
    expect(sniff('da', { ended: true })).toBe('text');
    expect(sniff('   ')).toBeUndefined();
  });

  it('reads NDJSON when the first line is a JSON object of a known protocol', () => {
    expect(sniff('{"id":"c","choices":[]}\n{"id"')).toBe('ndjson');
    expect(sniff('{"id":"c","choices":[]}')).toBeUndefined();
    expect(sniff('{"id":"c","choices":[]}', { ended: true })).toBe('ndjson');
  });

  it('keeps genuine plain text as text, including an answer that starts with { or [', () => {
    expect(sniff('{curly} is how templates mark a slot.\n')).toBe('text');
    expect(sniff('{"a": 1} is a JSON object.\nMore text')).toBe('text');
    expect(sniff('{"unknown":"shape"}\n')).toBe('text');
    expect(sniff('[1] First source\n')).toBe('text');
    expect(sniff('Hello there')).toBe('text');
  });

  it('a plain text answer that starts with { is held back only up to 64 K characters without a newline', () => {
    expect(sniff(`{${'x'.repeat(70_000)}`)).toBe('text');
  });

  it('reads a streamed JSON array (Gemini without alt=sse)', () => {
    expect(sniff('[{"candidates"')).toBe('json-array');
    expect(sniff('[\r\n')).toBeUndefined();
    expect(sniff('[', { hint: 'json', ended: false })).toBeUndefined();
    expect(sniff('[ ', { hint: 'json', ended: true })).toBe('json-array');
  });

  it('under application/json, chooses only between NDJSON and a JSON array', () => {
    expect(sniff('{"message":"hi"}', { hint: 'json' })).toBe('ndjson');
    expect(sniff('data: x', { hint: 'json' })).toBe('ndjson');
    expect(sniff('', { hint: 'json', ended: true })).toBe('ndjson');
  });
});
