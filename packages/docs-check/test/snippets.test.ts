import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findSnippets, mapLocations, writeSnippets } from '../scripts/snippets.mjs';

const markdown = [
  '# Title', //                                           1
  '```ts', //                                             2
  "const a: number = 1;", //                              3
  '```', //                                               4
  '<!-- docs-check: skip (a fragment) -->', //            5
  '', //                                                  6
  '```tsx', //                                            7
  'const b = <p />;', //                                  8
  '```', //                                               9
  '```sh', //                                            10
  'npm i', //                                            11
  '```', //                                              12
  '  ```vue', //                                         13
  '  <template><p /></template>', //                     14
  '  ```', //                                            15
  '````ts', //                                           16
  '```', //                                              17
  '````', //                                             18
].join('\n');

describe('findSnippets', () => {
  it('finds ts, tsx and vue blocks with the line of their first code line, and honours the skip marker', () => {
    const snippets = findSnippets(markdown);
    expect(snippets.map(({ line, ext, skipped }) => ({ line, ext, skipped }))).toEqual([
      { line: 3, ext: 'ts', skipped: false },
      { line: 8, ext: 'tsx', skipped: true },
      { line: 14, ext: 'vue', skipped: false },
      { line: 17, ext: 'ts', skipped: false },
    ]);
    expect(snippets[0]?.code).toBe('const a: number = 1;\n');
    expect(snippets[2]?.code).toBe('<template><p /></template>\n'); // list indentation removed
    expect(snippets[3]?.code).toBe('```\n'); // a longer fence is closed only by a fence as long
  });

  it('runs an unclosed fence to the end of the file, as markdown renders it', () => {
    expect(findSnippets('```ts\nlet x = 1;').map((s) => s.code)).toEqual(['let x = 1;\n']);
  });
});

describe('writeSnippets and mapLocations', () => {
  it('writes each unskipped snippet to its own file and maps checker locations back to the markdown line', () => {
    const root = mkdtempSync(join(tmpdir(), 'docs-check-'));
    writeFileSync(join(root, 'README.md'), markdown);
    const out = join(root, '.generated');
    const { written, skipped } = writeSnippets(root, ['README.md'], out);
    expect(skipped).toBe(1);
    expect(written.map((w) => w.path.slice(out.length + 1))).toEqual(['README.md.L3.ts', 'README.md.L14.vue', 'README.md.L17.ts']);
    expect(readFileSync(written[0]!.path, 'utf8')).toBe('const a: number = 1;\n');

    const tscOutput = ".generated/README.md.L3.ts(1,7): error TS2322: Type 'string' is not assignable to type 'number'.";
    expect(mapLocations(tscOutput, written, root)).toBe(
      "README.md:3:7: error TS2322: Type 'string' is not assignable to type 'number'.",
    );
    expect(mapLocations('.generated/README.md.L17.ts:1:2 - error', written, root)).toBe('README.md:17:2 - error');
  });
});
