import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createIncrementalJsonParser } from '../../src/accumulate/partial-json';
import { parsePartialJson } from '../../src/accumulate/parse-partial-json';
import { seededRandom as random } from '@tokenstream/test-utils';


const PIECES = ['a', 'b', ' ', 'é', '😀', '"', '\\', '/', '\n', '\t', '\u0001', 'ünï', 'xyz', '{', ']', ':', ','];

function generate(rand: () => number, depth: number): unknown {
  const pick = rand();
  if (depth > 0 && pick < 0.25) {
    return Array.from({ length: Math.floor(rand() * 6) }, () => generate(rand, depth - 1));
  }
  if (depth > 0 && pick < 0.5) {
    const object: Record<string, unknown> = {};
    const size = Math.floor(rand() * 6);
    for (let i = 0; i < size; i++) object[`${generateString(rand, 3)}${i}`] = generate(rand, depth - 1);
    return object;
  }
  if (pick < 0.7) return generateString(rand, 12);
  if (pick < 0.85) {
    const magnitude = [1, 1000, 1e-4, 1e21, 1e-9][Math.floor(rand() * 5)];
    return Math.round((rand() - 0.5) * 1e6) * magnitude / 1000;
  }
  return [true, false, null][Math.floor(rand() * 3)];
}

function generateString(rand: () => number, maxPieces: number): string {
  let s = '';
  const n = Math.floor(rand() * maxPieces);
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(rand() * PIECES.length)];
  return s;
}

/** JSON text with both raw and \u-escaped non-ASCII, and irregular whitespace, so every tokenizer path is hit. */
function serialize(value: unknown, rand: () => number): string {
  const text = JSON.stringify(value, null, rand() < 0.5 ? 2 : undefined);
  return text.replace(/[^\x00-\x7f]/g, (ch) =>
    rand() < 0.5 ? ch : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The "valid prefix interpretation" of `final`: strings are prefixes, containers hold a prefix of the final
 *  members whose complete ones are equal and whose last one is itself a valid prefix; scalars are exact. */
function checkPrefixOf(partial: unknown, final: unknown, path: string): void {
  if (typeof final === 'string') {
    if (typeof partial !== 'string' || !final.startsWith(partial)) throw new Error(`${path}: ${JSON.stringify(partial)} is not a prefix of ${JSON.stringify(final)}`);
    return;
  }
  if (Array.isArray(final)) {
    if (!Array.isArray(partial) || partial.length > final.length) throw new Error(`${path}: not a prefix array`);
    partial.forEach((item, i) => {
      if (i < partial.length - 1) checkEqual(item, final[i], `${path}[${i}]`);
      else checkPrefixOf(item, final[i], `${path}[${i}]`);
    });
    return;
  }
  if (final !== null && typeof final === 'object') {
    if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) throw new Error(`${path}: not an object`);
    const keys = Object.keys(partial);
    const finalRecord = final as Record<string, unknown>;
    checkEqual(keys, Object.keys(finalRecord).slice(0, keys.length), `${path} keys`);
    keys.forEach((key, i) => {
      const member = (partial as Record<string, unknown>)[key];
      if (i < keys.length - 1) checkEqual(member, finalRecord[key], `${path}.${key}`);
      else checkPrefixOf(member, finalRecord[key], `${path}.${key}`);
    });
    return;
  }
  checkEqual(partial, final, path);
}

function checkEqual(actual: unknown, expected: unknown, path: string): void {
  if (!isDeepStrictEqual(actual, expected)) throw new Error(`${path}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
}

describe('valid prefix interpretation', () => {
  it('rejects what is not a prefix interpretation (the checker can fail)', () => {
    expect(() => checkPrefixOf({ a: 1 }, { a: 12 }, '$')).toThrow(); // a partial number
    expect(() => checkPrefixOf('ab', 'ac', '$')).toThrow();
    expect(() => checkPrefixOf([1, 'x'], [2, 'xy'], '$')).toThrow(); // a complete member differs
    expect(() => checkPrefixOf({ b: 1 }, { a: 1, b: 1 }, '$')).toThrow(); // members out of order
    expect(() => checkPrefixOf(true, null, '$')).toThrow();
    expect(() => checkPrefixOf({ a: [1], b: 'x' }, { a: [1, 2], b: 'xy' }, '$')).toThrow(); // a closed member is partial
    expect(() => checkPrefixOf({ a: [1, 2], b: 'x' }, { a: [1, 2], b: 'xy' }, '$')).not.toThrow();
  });

  it('holds at every prefix of a long generated document, fed one character at a time', () => {
    const rand = random(7);
    const items: unknown[] = [];
    let doc = '';
    while (doc.length < 12_000) {
      items.push(generate(rand, 5));
      doc = serialize({ items }, rand);
    }
    const final = JSON.parse(doc);
    const parser = createIncrementalJsonParser();
    for (let i = 0; i < doc.length; i++) {
      parser.push(doc[i]);
      const value = parser.value();
      if (value !== undefined) checkPrefixOf(value, final, '$');
      // The one-shot parse of the same prefix agrees (sampled: it re-scans the prefix).
      if (i % 211 === 0) expect(parsePartialJson(doc.slice(0, i + 1))).toEqual(value);
    }
    expect(parser.error).toBeNull();
    expect(parser.complete).toBe(true);
    expect(parser.value()).toEqual(final);
    expect(parser.scanned).toBe(doc.length);
  }, 30_000); // 12,000 checks of a growing value: seconds on a loaded 2-core CI machine

  it('holds when the same documents arrive in random chunk sizes', () => {
    for (let seed = 100; seed < 140; seed++) {
      const rand = random(seed);
      const doc = serialize(generate(rand, 5), rand);
      const final = JSON.parse(doc);
      const parser = createIncrementalJsonParser();
      let offset = 0;
      while (offset < doc.length) {
        const size = 1 + Math.floor(rand() * 20);
        parser.push(doc.slice(offset, offset + size));
        offset += size;
        const value = parser.value();
        if (value !== undefined) checkPrefixOf(value, final, '$');
      }
      parser.end();
      expect(parser.error).toBeNull();
      expect(parser.value()).toEqual(final);
    }
  });
});
