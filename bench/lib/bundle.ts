// Min+gzip size of small app entries, bundled the way an app's bundler would (esbuild, ESM, minified, tree-shaken,
// browser platform, production defines), frameworks external. Workspace packages are bundled from source so that
// `pnpm size` needs no build (tsc emits the same code the bundler reads from src).

import { build, type Metafile, type Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const src = (pkg: string) => fileURLToPath(new URL(`../../packages/${pkg}/src/index.ts`, import.meta.url));
const coreSrc = (path: string) => fileURLToPath(new URL(`../../packages/core/src/${path}`, import.meta.url));

/** Core's subpaths (`@tokenstream/core/providers/openai`, `/wire`) resolve to their source files. */
const coreSubpaths: Plugin = {
  name: 'core-subpaths',
  setup(build) {
    build.onResolve({ filter: /^@tokenstream\/core\/(providers\/[a-z-]+|wire)$/ }, (args) => {
      const subpath = args.path.slice('@tokenstream/core/'.length);
      return { path: coreSrc(subpath === 'wire' ? 'wire/index.ts' : `${subpath}.ts`) };
    });
  },
};

export const WORKSPACE_ALIASES: Record<string, string> = {
  '@tokenstream/core': src('core'),
  '@tokenstream/react': src('react'),
  '@tokenstream/vue': src('vue'),
};

export interface Entry {
  name: string;
  /** ESM source of the app entry. */
  code: string;
  external?: string[];
  /** Budget for the min+gzip size in bytes (checked by `pnpm size`). */
  budget?: number;
  /** Shown in tables: what the budget covers. */
  note?: string;
  /** The budget covers the chunks loaded on demand too. */
  lazyBudget?: boolean;
}

export interface Measured extends Entry {
  /** What the app loads at start: the entry and what it imports statically. */
  minBytes: number;
  gzipBytes: number;
  /** With the chunks it may load on demand (dynamic `import()`, e.g. the protocol registry behind 'auto'). */
  withLazyGzipBytes: number;
}

const FRAMEWORKS = ['react', 'react-dom', 'react/jsx-runtime', 'vue'];

export async function measure(entry: Entry): Promise<Measured> {
  // A package named external must stay an import: esbuild would otherwise follow the alias into its source.
  const alias = Object.fromEntries(Object.entries(WORKSPACE_ALIASES).filter(([name]) => !entry.external?.includes(name)));
  // Code splitting, as an app bundler does: a dynamic import() becomes its own chunk, loaded only when reached.
  const result = await build({
    stdin: { contents: entry.code, resolveDir: fileURLToPath(new URL('..', import.meta.url)), loader: 'ts', sourcefile: `${entry.name}.ts` },
    bundle: true,
    write: false,
    splitting: true,
    outdir: '/virtual-out',
    metafile: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    treeShaking: true,
    legalComments: 'none',
    alias,
    plugins: entry.external?.includes('@tokenstream/core') ? [] : [coreSubpaths],
    external: [...FRAMEWORKS, ...(entry.external ?? [])],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const files = new Map(result.outputFiles.map((file) => [file.path, file.contents]));
  const entryPath = Object.entries(result.metafile.outputs).find(([, output]) => output.entryPoint !== undefined)![0];
  const gz = (paths: Set<string>) => [...paths].reduce((sum, path) => sum + gzipSync(fileOf(files, path), { level: 9 }).byteLength, 0);
  const min = (paths: Set<string>) => [...paths].reduce((sum, path) => sum + fileOf(files, path).byteLength, 0);
  const eager = reachable(result.metafile, entryPath, false);
  return {
    ...entry,
    minBytes: min(eager),
    gzipBytes: gz(eager),
    withLazyGzipBytes: gz(reachable(result.metafile, entryPath, true)),
  };
}

function fileOf(files: Map<string, Uint8Array>, metafilePath: string): Uint8Array {
  for (const [path, contents] of files) if (path.endsWith(metafilePath.replace(/^.*virtual-out/, ''))) return contents;
  throw new Error(`bundle: no output for ${metafilePath}`);
}

/** The output chunks an entry loads: static imports always, dynamic ones when `withDynamic`. */
function reachable(metafile: Metafile, from: string, withDynamic: boolean): Set<string> {
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const imported of metafile.outputs[path]?.imports ?? []) {
      if (imported.external) continue;
      if (imported.kind === 'import-statement' || (withDynamic && imported.kind === 'dynamic-import')) visit(imported.path);
    }
  };
  visit(from);
  return seen;
}

const KB = 1024;

/**
 * Our entries and their budgets. An app that passes one adapter object ships none of the others: the registry of every
 * protocol (behind 'auto' and name strings) is a chunk loaded on demand, and so are the WebSocket transport, tool-call
 * parsing (at a stream's first tool call), smooth pacing (at the first start() with `smooth`, beside the request) and
 * retry decisions (fetched once a response streams). join() stays at start: a chunk would delay the GET of a page
 * that resumes after a reload by a round trip, for 0.2 KB.
 * Targets (issue 15): createStream + one adapter <= 8 KB, createStream with every protocol <= 16 KB. Measured
 * 2026-12-01: 16.2 KB and 27.5 KB at the start of the day; after the on-demand chunks and with parsePartialJson in a
 * module of its own (re-exported from the module the tool-call chunk imports, esbuild shipped the JSON parser at
 * start), 13.9 KB at start and 29.5 KB for 'auto' with every chunk it may load (the registry, and the three above,
 * which compress worse as small chunks). Budgets are those figures + 0.3 KB. Each binding stays <= 1.5 KB beyond core.
 */
const ONE_ADAPTER = `import { createStream } from '@tokenstream/core';
import openai from '@tokenstream/core/providers/openai';
export const open = (url: string) => createStream({ url, provider: openai() });`;

export const OUR_ENTRIES: Entry[] = [
  { name: 'core: createStream + one adapter (openai)', code: ONE_ADAPTER, budget: Math.round(14.3 * KB), note: 'target 8 KB; incl. fetch-event-source' },
  { name: 'core: createStream (auto: every protocol)', code: `export { createStream } from '@tokenstream/core';`, budget: 30 * KB, note: 'target 16 KB; with every lazy chunk', lazyBudget: true },
  { name: 'core: createChat', code: `export { createChat } from '@tokenstream/core';` },
  { name: 'core: everything', code: `export * from '@tokenstream/core';` },
  { name: 'react: useChat (app total)', code: `export { useChat } from '@tokenstream/react';` },
  { name: 'react: useChat beyond core', code: `export { useChat } from '@tokenstream/react';`, external: ['@tokenstream/core'], budget: 1.5 * KB, note: 'core external' },
  // 2 KB since StreamingMarkdown joined the hooks (about 0.4 KB gzip; marked stays a lazy chunk).
  { name: 'react: whole package beyond core', code: `export * from '@tokenstream/react';`, external: ['@tokenstream/core'], budget: 2 * KB, note: 'core external' },
  { name: 'vue: useChat (app total)', code: `export { useChat } from '@tokenstream/vue';` },
  { name: 'vue: useChat beyond core', code: `export { useChat } from '@tokenstream/vue';`, external: ['@tokenstream/core'], budget: 1.5 * KB, note: 'core external' },
  { name: 'vue: whole package beyond core', code: `export * from '@tokenstream/vue';`, external: ['@tokenstream/core'], budget: 1.5 * KB, note: 'core external' },
];

export const PEER_ENTRIES: Entry[] = [
  { name: 'peer: @ai-sdk/react useChat', code: `export { useChat } from '@ai-sdk/react';` },
  { name: 'peer: @microsoft/fetch-event-source alone', code: `export { fetchEventSource } from '@microsoft/fetch-event-source';` },
  { name: 'peer: eventsource-parser alone', code: `export { createParser } from 'eventsource-parser';` },
];
