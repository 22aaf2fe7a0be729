import { describe, expect, it } from 'vitest';
import { createIncrementalJsonParser } from '../../src/accumulate/partial-json';
import { parsePartialJson } from '../../src/accumulate/parse-partial-json';

// Spec-like tables: for each document, the best-effort value of EVERY prefix. A row [p, v] reads "from the prefix
// ending with p on (until the next row), the value is v"; rows are in document order.
type Row = [prefix: string, value: unknown];
interface Table {
  name: string;
  doc: string;
  rows: Row[];
}

const tables: Table[] = [
  {
    name: 'nested object, array, literal, escapes \\" \\\\ \\u00e9',
    doc: String.raw`{"a":[1,{"b":null}],"c":"x\"\\\u00e9"}`,
    rows: [
      ['', undefined],
      ['{', {}], // a key being read, or waiting for its value, is dropped
      ['{"a":[', { a: [] }],
      ['{"a":[1', { a: [] }], // 1 may still become 10
      ['{"a":[1,', { a: [1] }],
      ['{"a":[1,{', { a: [1, {}] }],
      ['{"a":[1,{"b":n', { a: [1, { b: null }] }], // unambiguous literal prefix
      ['{"a":[1,{"b":null}],"c":"', { a: [1, { b: null }], c: '' }],
      ['{"a":[1,{"b":null}],"c":"x', { a: [1, { b: null }], c: 'x' }], // a lone backslash is held back
      [String.raw`{"a":[1,{"b":null}],"c":"x\"`, { a: [1, { b: null }], c: 'x"' }],
      [String.raw`{"a":[1,{"b":null}],"c":"x\"\\`, { a: [1, { b: null }], c: 'x"\\' }], // \u00 held back
      [String.raw`{"a":[1,{"b":null}],"c":"x\"\\\u00e9`, { a: [1, { b: null }], c: 'x"\\é' }],
    ],
  },
  {
    name: 'whitespace, exponent number, true/false, escaped surrogate pair',
    doc: String.raw` [ -0.5e+2 , true,false ,"\ud83d\ude00" ] `,
    rows: [
      ['', undefined],
      [' [', []],
      [' [ -0.5e+2 ', [-50]], // the number ends at the space
      [' [ -0.5e+2 , t', [-50, true]],
      [' [ -0.5e+2 , true,f', [-50, true, false]],
      [' [ -0.5e+2 , true,false ,"', [-50, true, false, '']], // the high surrogate waits for its low half
      [String.raw` [ -0.5e+2 , true,false ,"\ud83d\ude00`, [-50, true, false, '😀']],
    ],
  },
  {
    name: 'top-level string with raw non-ASCII',
    doc: '"é😀\\n"',
    rows: [
      ['', undefined],
      ['"', ''],
      ['"é', 'é'],
      ['"é\ud83d', 'é'], // a raw high surrogate at the end of input is held back too
      ['"é😀', 'é😀'],
      ['"é😀\\n', 'é😀\n'],
    ],
  },
  {
    name: 'top-level number needs a terminator',
    doc: '12.5 ',
    rows: [
      ['', undefined],
      ['12.5 ', 12.5],
    ],
  },
  {
    name: 'empty containers and nested arrays',
    doc: '{"x":[[],[{}]],"y":{}}',
    rows: [
      ['', undefined],
      ['{', {}],
      ['{"x":[', { x: [] }],
      ['{"x":[[', { x: [[]] }],
      ['{"x":[[],[', { x: [[], []] }],
      ['{"x":[[],[{', { x: [[], [{}]] }],
      ['{"x":[[],[{}]],"y":{', { x: [[], [{}]], y: {} }],
    ],
  },
];

describe('parsePartialJson: every prefix of spec documents', () => {
  for (const table of tables) {
    it(table.name, () => {
      expect(JSON.parse(table.doc)).toEqual(table.rows[table.rows.length - 1][1]);
      let row = 0;
      for (let length = 0; length <= table.doc.length; length++) {
        const prefix = table.doc.slice(0, length);
        while (row + 1 < table.rows.length && prefix === table.rows[row + 1][0]) row++;
        expect(table.doc.startsWith(table.rows[row][0]), `row ${row} is a prefix of the document`).toBe(true);
        expect(parsePartialJson(prefix), JSON.stringify(prefix)).toEqual(table.rows[row][1]);
      }
      expect(row, 'every row was reached').toBe(table.rows.length - 1);
    });
  }
});

describe('incremental parser: chunk boundaries do not matter', () => {
  const docs = [...tables.map((t) => t.doc), String.raw`{"k\"ey":"\ud83d\ude00\u00e9\\\/\b\f\n\r\t","n":[0,-0,1e5,2E-3,-7.25]}`];
  it('every split into two chunks gives, after each chunk, the value of that prefix', () => {
    for (const doc of docs) {
      for (let cut = 0; cut <= doc.length; cut++) {
        const parser = createIncrementalJsonParser();
        parser.push(doc.slice(0, cut));
        expect(parser.value()).toEqual(parsePartialJson(doc.slice(0, cut)));
        parser.push(doc.slice(cut));
        expect(parser.error).toBeNull();
        parser.end();
        expect(parser.value()).toEqual(JSON.parse(doc));
        expect(parser.complete).toBe(true);
      }
    }
  });

  it('every split of an escaped surrogate pair into three chunks', () => {
    const doc = String.raw`["a\ud83d\ude00b"]`;
    for (let first = 0; first <= doc.length; first++) {
      for (let second = first; second <= doc.length; second++) {
        const parser = createIncrementalJsonParser();
        for (const [start, end] of [[0, first], [first, second], [second, doc.length]]) {
          parser.push(doc.slice(start, end));
          const value = parser.value() as string[] | undefined;
          expect(value).toEqual(parsePartialJson(doc.slice(0, end)));
          const text = value?.[0] ?? '';
          expect(/[\ud800-\udbff]$/.test(text), `no dangling high surrogate after ${end} chars`).toBe(false);
        }
        expect(parser.value()).toEqual(['a😀b']);
      }
    }
  });

  it('a raw surrogate pair split between chunks', () => {
    const parser = createIncrementalJsonParser();
    parser.push('{"e":"x\ud83d');
    expect(parser.value()).toEqual({ e: 'x' });
    parser.push('\ude00y"}');
    expect(parser.value()).toEqual({ e: 'x😀y' });
  });

  it('a lone escaped high surrogate is kept once the string closes, as JSON.parse does', () => {
    const doc = String.raw`["\ud83dz", "\ud83d"]`;
    expect(parsePartialJson(doc)).toEqual(JSON.parse(doc));
  });

  it('"__proto__" becomes an own member, as with JSON.parse', () => {
    const value = parsePartialJson('{"__proto__":{"polluted":1},"open":{"__proto__":"x') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'open']);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ polluted: 1 });
    expect(Object.getOwnPropertyDescriptor(value.open, '__proto__')?.value).toBe('x');
  });
});
