#!/usr/bin/env node
// Makes a package's tsc output loadable by Node's ESM resolver and by `moduleResolution: node16` type checking.
//
// The sources import siblings without extensions (`from './types'`), which bundlers accept but Node's ESM loader
// and node16 type resolution do not. tsc copies specifiers verbatim, so after `tsc -p tsconfig.build.json` this
// rewrites every relative specifier in dist/**/*.js and *.d.ts to the file it means: `./x` -> `./x.js`,
// `./dir` -> `./dir/index.js`, `./x.ts` -> `./x.js`. A specifier that names no emitted file fails the build.
//
//   node ../../scripts/finalize-dist.mjs [distDir=dist]

import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const distDir = resolve(process.argv[2] ?? 'dist');
if (!existsSync(distDir)) {
  console.error(`finalize-dist: ${distDir} does not exist (run tsc first)`);
  process.exit(1);
}

/** `from '…'`, `import '…'`, `import('…')`, `export … from '…'` with a relative specifier. */
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"\n]*|\.{1,2})\2/g;

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (path.endsWith('.js') || path.endsWith('.d.ts')) yield path;
  }
}

function resolveSpecifier(file, specifier) {
  const isTypes = file.endsWith('.d.ts');
  const base = resolve(dirname(file), specifier);
  const emitted = (p) => existsSync(`${p}.js`) || (isTypes && existsSync(`${p}.d.ts`));
  if (/\.(m?js|json)$/.test(specifier)) return specifier;
  if (/\.tsx?$/.test(specifier)) {
    const stem = specifier.replace(/\.tsx?$/, '');
    if (emitted(resolve(dirname(file), stem))) return `${stem}.js`;
  }
  if (emitted(base)) return `${specifier}.js`;
  if (existsSync(base) && statSync(base).isDirectory() && emitted(join(base, 'index'))) {
    return `${specifier.replace(/\/$/, '')}/index.js`;
  }
  throw new Error(`finalize-dist: ${file} imports '${specifier}', which names no emitted file`);
}

let rewritten = 0;
for (const file of walk(distDir)) {
  const source = readFileSync(file, 'utf8');
  const output = source.replace(SPECIFIER, (_match, lead, quote, specifier) => {
    const fixed = resolveSpecifier(file, specifier);
    if (fixed !== specifier) rewritten++;
    return `${lead}${quote}${fixed}${quote}`;
  });
  if (output !== source) writeFileSync(file, output);
}
console.log(`finalize-dist: ${rewritten} relative import(s) given explicit extensions in ${distDir}`);
