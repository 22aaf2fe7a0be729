// Finds the code snippets of the project's markdown files and writes each one to a file a type checker can read.
//
// A fenced block whose info string is `ts`, `typescript`, `tsx` or `vue` is a snippet. A block that is deliberately
// partial (a fragment of a larger program, a signature list) is skipped when the line before its fence (blank lines
// allowed) is an HTML comment starting with `docs-check: skip`, followed by the reason:
//
//   <!-- docs-check: skip (a fragment: `options` comes from the example above) -->
//   ```tsx

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const EXTENSIONS = { ts: 'ts', typescript: 'ts', tsx: 'tsx', vue: 'vue' };
const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/;
const SKIP = /^<!--\s*docs-check:\s*skip\b/;

/**
 * The snippets of one markdown text, in order.
 * @param {string} markdown
 * @returns {{ line: number, ext: 'ts' | 'tsx' | 'vue', code: string, skipped: boolean }[]}
 *   line: the 1-based line of the first code line (the one after the opening fence)
 */
export function findSnippets(markdown) {
  const lines = markdown.split(/\r?\n/);
  const snippets = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const closeAt = findClose(lines, i + 1, fence);
    const ext = EXTENSIONS[info.toLowerCase()];
    if (ext) {
      const code = lines
        .slice(i + 1, closeAt)
        .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
        .join('\n');
      snippets.push({ line: i + 2, ext, code: `${code}\n`, skipped: isSkipped(lines, i) });
    }
    i = closeAt;
  }
  return snippets;
}

/** The index of the line closing the fence opened with `fence`; an unclosed fence runs to the end (as CommonMark). */
function findClose(lines, from, fence) {
  for (let j = from; j < lines.length; j++) {
    const trimmed = lines[j].trim();
    if (trimmed.startsWith(fence) && trimmed.replace(/[`~]/g, '') === '') return j;
  }
  return lines.length;
}

function isSkipped(lines, fenceIndex) {
  let j = fenceIndex - 1;
  while (j >= 0 && lines[j].trim() === '') j--;
  return j >= 0 && SKIP.test(lines[j].trim());
}

/**
 * Writes every snippet (skipped ones left out) of `files` (paths relative to `root`) under `outDir`, one file each:
 * `<outDir>/<markdown path with / as __>.L<line>.<ext>`. Returns the written files with where they came from.
 * @param {string} root
 * @param {string[]} files
 * @param {string} outDir
 */
export function writeSnippets(root, files, outDir) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const written = [];
  let skipped = 0;
  for (const file of files) {
    for (const snippet of findSnippets(readFileSync(join(root, file), 'utf8'))) {
      if (snippet.skipped) {
        skipped++;
        continue;
      }
      const path = join(outDir, `${file.replaceAll('/', '__')}.L${snippet.line}.${snippet.ext}`);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, snippet.code);
      written.push({ path, source: file, line: snippet.line, ext: snippet.ext });
    }
  }
  return { written, skipped };
}

/**
 * Rewrites a type checker's `<generated file>(line,col)` or `<generated file>:line:col` locations into the markdown
 * file and line they came from, so an error points at the README.
 * @param {string} output
 * @param {{ path: string, source: string, line: number }[]} written
 * @param {string} cwd the directory the checker ran in (its paths are relative to it)
 */
export function mapLocations(output, written, cwd) {
  let mapped = output;
  for (const { path, source, line } of written) {
    const shown = relative(cwd, path);
    const escaped = shown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    mapped = mapped.replace(
      new RegExp(`${escaped}(?:\\((\\d+),(\\d+)\\)|:(\\d+):(\\d+))`, 'g'),
      (_match, l1, c1, l2, c2) => `${source}:${line + Number(l1 ?? l2) - 1}:${c1 ?? c2}`,
    );
  }
  return mapped;
}
