#!/usr/bin/env node
// Type-checks every ts/tsx/vue snippet of the READMEs and package docs the way a fresh create-vite app would: strict,
// no unused locals or parameters, against the built packages' .d.ts files (run `pnpm build` first; `pnpm lint` does).
// Errors are reported at the markdown line they come from. Exit code 1 on any error.
//
//   node packages/docs-check/scripts/check-snippets.mjs

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mapLocations, writeSnippets } from './snippets.mjs';

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const root = join(packageDir, '..', '..');
const outDir = join(packageDir, '.generated');
const require = createRequire(join(packageDir, 'package.json'));

/** The markdown files whose snippets a reader copies: the root README and every package's README. */
function markdownFiles() {
  const packages = readdirSync(join(root, 'packages')).filter((name) => existsSync(join(root, 'packages', name, 'README.md')));
  return ['README.md', ...packages.filter((name) => name !== 'docs-check').map((name) => `packages/${name}/README.md`)];
}

/** create-vite's react-ts and vue-ts app options (tsconfig.app.json), plus `strict` spelled out. */
const appOptions = {
  target: 'es2023',
  lib: ['ES2023', 'DOM', 'DOM.Iterable'],
  module: 'esnext',
  moduleResolution: 'bundler',
  allowImportingTsExtensions: true,
  verbatimModuleSyntax: true,
  moduleDetection: 'force',
  skipLibCheck: true,
  noEmit: true,
  strict: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  erasableSyntaxOnly: true,
  noFallthroughCasesInSwitch: true,
  noUncheckedSideEffectImports: true,
  // Server snippets read process.env; the free names snippets assume (render, getToken…) are declared here:
  types: ['node'],
};

function check(label, checker, files, compilerOptions) {
  if (files.length === 0) return true;
  const config = join(outDir, `tsconfig.${label}.json`);
  const globals = join(packageDir, 'snippet-globals.d.ts');
  writeFileSync(config, JSON.stringify({ compilerOptions, files: [globals, ...files.map((f) => f.path)] }, null, 2));
  const result = spawnSync(process.execPath, [checker, '-p', config, '--pretty', 'false'], { cwd: root, encoding: 'utf8' });
  const output = mapLocations(`${result.stdout}${result.stderr}`, files, root).trim();
  if (result.status !== 0) {
    console.error(`docs-check: ${label} snippets fail to type-check:\n${output || `exit code ${result.status}`}`);
    return false;
  }
  return true;
}

const sources = markdownFiles();
const { written, skipped } = writeSnippets(root, sources, outDir);
const scripts = written.filter((s) => s.ext !== 'vue');
const components = written.filter((s) => s.ext === 'vue');
const tsc = require.resolve('typescript/bin/tsc');
const vueTsc = require.resolve('vue-tsc/bin/vue-tsc.js');

const ok = [
  check('ts', tsc, scripts, { ...appOptions, jsx: 'react-jsx' }),
  check('vue', vueTsc, components, { ...appOptions, jsx: 'preserve', jsxImportSource: 'vue' }),
].every(Boolean);

console.log(
  `docs-check: ${written.length} snippet(s) of ${sources.length} markdown file(s) type-checked ` +
    `(${scripts.length} ts/tsx, ${components.length} vue; ${skipped} marked skip)${ok ? '' : ' — FAILED'}; ` +
    `generated in ${relative(root, outDir)}`,
);
process.exit(ok ? 0 : 1);
