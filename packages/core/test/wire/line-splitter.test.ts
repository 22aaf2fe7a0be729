import { describe, expect, it } from 'vitest';
import { createLineSplitter } from '../../src/wire/line-splitter';

describe('line splitter', () => {
  const split = (chunks: string[], max = 1000) => {
    const lines: string[] = [];
    const splitter = createLineSplitter((line) => lines.push(line), max);
    for (const chunk of chunks) splitter.push(chunk);
    const rest = splitter.end();
    return { lines, rest };
  };

  it('splits at LF, CR and CRLF, also when CR and LF arrive in different chunks', () => {
    expect(split(['a\nb\rc\r\nd']).lines).toEqual(['a', 'b', 'c']);
    expect(split(['a\r', '\nb\n']).lines).toEqual(['a', 'b']);
    expect(split(['a\r', 'b\n']).lines).toEqual(['a', 'b']);
    expect(split(['a\r', '', '\nb\n']).lines).toEqual(['a', 'b']);
    expect(split(['a\r\r\n']).lines).toEqual(['a', '']);
    expect(split(['ab', 'c', 'd\n', 'e']).rest).toBe('e');
  });

  it('throws overflow when a line grows past the limit, even across many chunks', () => {
    expect(() => split(['x'.repeat(600), 'x'.repeat(600)])).toThrowError(/maxEventBytes/);
    expect(() => split(['x'.repeat(999) + '\n'])).not.toThrow();
  });
});
