import { describe, expect, it } from 'vitest';
import { createIncrementalJsonParser } from '../../src/accumulate/partial-json';
import { parsePartialJson } from '../../src/accumulate/parse-partial-json';

describe('incremental parser: state and caching', () => {
  it('value() is the same object until something changes it', () => {
    const parser = createIncrementalJsonParser();
    parser.push('{"done":[{"a":1}],');
    const first = parser.value();
    expect(parser.value()).toBe(first);
    parser.push('  \n'); // whitespace changes nothing
    expect(parser.value()).toBe(first);
    parser.push('"ke'); // a key in progress contributes nothing
    expect(parser.value()).toBe(first);
    parser.push('y":"v');
    const second = parser.value() as { done: unknown[]; key: string };
    expect(second).not.toBe(first);
    expect(second).toEqual({ done: [{ a: 1 }], key: 'v' });
    expect(first).toEqual({ done: [{ a: 1 }] }); // a value handed out is never mutated afterwards
  });

  it('completed members keep their identity while the document grows', () => {
    const parser = createIncrementalJsonParser();
    parser.push('[{"a":[1,2]},{"b":"x');
    const before = parser.value() as unknown[];
    parser.push('yz"},{"c":');
    const after = parser.value() as unknown[];
    expect(after[0]).toBe(before[0]);
    expect(after).toEqual([{ a: [1, 2] }, { b: 'xyz' }, {}]);
  });

  it('complete is set when the top-level value closes; a bare number needs whitespace or end()', () => {
    const object = createIncrementalJsonParser();
    object.push('{"a":1');
    expect(object.complete).toBe(false);
    object.push('}');
    expect(object.complete).toBe(true);

    const number = createIncrementalJsonParser();
    number.push('-12.5e1');
    expect(number.value()).toBeUndefined();
    expect(number.complete).toBe(false);
    number.end();
    expect(number.complete).toBe(true);
    expect(number.value()).toBe(-125);
    expect(parsePartialJson('42 ')).toBe(42);
  });

  it('end() on an unfinished document sets an error and keeps the best effort', () => {
    const parser = createIncrementalJsonParser();
    parser.push('{"a":"par');
    parser.end();
    expect(parser.error).toBe('Unexpected end of JSON input');
    expect(parser.value()).toEqual({ a: 'par' });
    const empty = createIncrementalJsonParser();
    empty.push('  ');
    empty.end();
    expect(empty.error).toBe('No JSON value in input');
    expect(empty.value()).toBeUndefined();
  });

  it('counts every character it scanned, once', () => {
    const parser = createIncrementalJsonParser();
    const doc = '{"text":"' + 'x'.repeat(1000) + '","n":[1,2,3]}';
    for (let i = 0; i < doc.length; i += 7) parser.push(doc.slice(i, i + 7));
    expect(parser.scanned).toBe(doc.length);
  });
});

describe('incremental parser: invalid JSON', () => {
  const cases: Array<[doc: string, bestEffort: unknown, error: RegExp]> = [
    ['{"a":1]', { a: 1 }, /Unexpected character "]" at position 6/],
    ['[1,]', [1], /Unexpected character "]" at position 3/],
    ['[1 2]', [1], /"2" at position 3/],
    ['{"a" 1}', {}, /"1" at position 5/],
    ['{,}', {}, /","/],
    ['{"a":01}', { a: 0 }, /"1" at position 6/],
    ['{"a":1.}', {}, /Unterminated number "1\." at position 7/],
    ['{"a":-}', {}, /Unterminated number "-"/],
    ['{"a":tru,"b":1}', { a: true }, /","/], // the literal looked unambiguous until it broke
    ['["ok","bad\\x"]', ['ok', 'bad'], /"x"/],
    ['["ok","\\u12G4"]', ['ok', ''], /"G"/],
    ['["tab\there"]', ['tab'], /"\\t"/], // a raw control character inside a string
    ['{} x', {}, /"x" at position 3/],
    ['nope', null, /"o"/],
    ['@', undefined, /"@" at position 0/],
  ];
  for (const [doc, bestEffort, error] of cases) {
    it(`${JSON.stringify(doc)} stops with an error and keeps what came before`, () => {
      const parser = createIncrementalJsonParser();
      expect(() => {
        for (const ch of doc) parser.push(ch);
      }).not.toThrow();
      expect(parser.error).toMatch(error);
      expect(parser.value()).toEqual(bestEffort);
      expect(parsePartialJson(doc)).toEqual(bestEffort);
      parser.push('{"more":1}'); // ignored after an error
      expect(parser.value()).toEqual(bestEffort);
      expect(() => JSON.parse(doc)).toThrow(); // really invalid
    });
  }
});
