import { describe, expect, it } from 'vitest';
import { createFramingSniffer, framingFromContentType, isHtml, sniffFraming, type SniffOptions } from '../../src/wire/sniff';

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

describe('isHtml', () => {
  it('names HTML and XHTML pages, whatever the case and parameters', () => {
    expect(isHtml('text/html; charset=utf-8')).toBe(true);
    expect(isHtml('Application/XHTML+xml')).toBe(true);
    expect(isHtml('text/event-stream')).toBe(false);
    expect(isHtml(null)).toBe(false);
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
    expect(sniff('id')).toBeUndefined();
    expect(sniff('identity theft is')).toBe('text');
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

describe('createFramingSniffer', () => {
  const bodies = [
    'data: {"x":1}\n\n',
    '\uFEFF\n event: ping\n',
    '{"id":"c","choices":[]}\n{"id"',
    '{"a": 1} is a JSON object.\nMore text',
    '[1] First source\n',
    '[\r\n  {"candidates":[]}]',
    'Hello there, id: 7',
    'identity\n',
    '   \n\t  {"unknown":"shape"}\n',
  ];

  it('decides like sniffFraming on the whole prefix, at every split of every body', () => {
    for (const hint of ['sniff', 'json'] as const) {
      for (const body of bodies) {
        for (let at = 0; at <= body.length; at++) {
          const sniffer = createFramingSniffer({ hint, recognizes: known });
          const first = sniffer.push(body.slice(0, at), false);
          const decided = first ?? sniffer.push(body.slice(at), true);
          const expected = sniffFraming(body.slice(0, first === undefined ? body.length : at), { hint, ended: first === undefined, recognizes: known });
          expect(decided, `${hint} ${JSON.stringify(body)} split at ${at}`).toBe(expected);
        }
      }
    }
  });

  it('takes a hostile body a character at a time without rescanning it: endless whitespace, then a long { line', () => {
    const sniffer = createFramingSniffer({ hint: 'sniff', recognizes: known });
    const early: unknown[] = [];
    for (let i = 0; i < 200_000; i++) early.push(sniffer.push(i % 2 ? ' ' : '\n', false));
    const line = `{"id":"c","choices":[],"pad":"${'x'.repeat(60_000)}"}`;
    for (const char of line) early.push(sniffer.push(char, false));
    expect(early.filter((framing) => framing !== undefined)).toEqual([]);
    expect(sniffer.push('\n', false)).toBe('ndjson');
  });

  it('a { line longer than 64 K characters without a break is text', () => {
    const sniffer = createFramingSniffer({ hint: 'sniff', recognizes: known });
    expect(sniffer.push(`{${'x'.repeat(70_000)}`, false)).toBe('text');
  });
});
