import { describe, expect, it } from 'vitest';
import { StreamError } from '../../src/errors';
import { createJsonArraySplitter } from '../../src/wire/json-array';

function split(pieces: string[], max = 1 << 20): { items: string[]; clean: boolean } {
  const items: string[] = [];
  const splitter = createJsonArraySplitter((item) => items.push(item), max);
  for (const piece of pieces) splitter.push(piece);
  return { items, clean: splitter.end() };
}

// Gemini without alt=sse: `[{...}\r\n,\r\n{...}]`, written as the elements come.
const GEMINI_ARRAY =
  '[{"candidates": [{"content": {"parts": [{"text": "Hel"}],"role": "model"}}]}\r\n,\r\n' +
  '{"candidates": [{"content": {"parts": [{"text": "lo ]} \\"quoted\\" {["}],"role": "model"},"finishReason": "STOP"}]}\r\n]';

describe('createJsonArraySplitter', () => {
  it('hands over each element whole, with brackets and quotes inside strings left alone', () => {
    const { items, clean } = split([GEMINI_ARRAY]);
    expect(clean).toBe(true);
    expect(items.map((item) => JSON.parse(item))).toEqual(JSON.parse(GEMINI_ARRAY));
  });

  it('gives the same elements at every split point', () => {
    const expected = split([GEMINI_ARRAY]).items;
    for (let at = 1; at < GEMINI_ARRAY.length; at++) {
      expect(split([GEMINI_ARRAY.slice(0, at), GEMINI_ARRAY.slice(at)]).items, `split at ${at}`).toEqual(expected);
    }
    expect(split([...GEMINI_ARRAY]).items).toEqual(expected);
  });

  it('reports a body that stops before the closing bracket as not clean, keeping the elements already complete', () => {
    const { items, clean } = split([GEMINI_ARRAY.slice(0, GEMINI_ARRAY.length - 30)]);
    expect(clean).toBe(false);
    expect(items).toHaveLength(1);
  });

  it('an empty array is a clean, empty stream', () => {
    expect(split(['  [ ] '])).toEqual({ items: [], clean: true });
  });

  it('rejects a body that is not an array, and garbage between elements, as parse errors', () => {
    expect(() => split(['{"a":1}'])).toThrow(StreamError);
    expect(() => split(['[{"a":1} x'])).toThrow(/unexpected/);
    expect(() => split(['[{"a":1}] {'])).toThrow(/after the closing/);
  });

  it('bounds one element: an endless element is an overflow error, not unbounded memory', () => {
    const splitter = createJsonArraySplitter(() => undefined, 1000);
    splitter.push('[{"text":"');
    let thrown: unknown;
    try {
      for (let i = 0; i < 100; i++) splitter.push('x'.repeat(100));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ kind: 'overflow' });
  });

  it('is linear: a 4 MB element in 1 KB pieces is joined once', () => {
    const big = `[{"text":"${'y'.repeat(4 << 20)}"}]`;
    const pieces: string[] = [];
    for (let i = 0; i < big.length; i += 1024) pieces.push(big.slice(i, i + 1024));
    const { items } = split(pieces, 8 << 20);
    expect(items).toHaveLength(1);
    expect(items[0]!.length).toBe(big.length - 2);
  });
});
