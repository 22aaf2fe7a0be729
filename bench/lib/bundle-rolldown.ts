// The same app entries bundled by Rolldown (Vite 8's bundler) — a second opinion beside esbuild's: esbuild keeps a
// module in the start-up bundle when the main entry re-exports it and a lazy chunk also uses it (core's
// `parsePartialJson` and the tool-call chunk); Rolldown, like Rollup, leaves it in the lazy chunk.

import { rolldown, type Plugin } from 'rolldown';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { WORKSPACE_ALIASES, type Entry } from './bundle';

const FRAMEWORKS = ['react', 'react-dom', 'react/jsx-runtime', 'vue'];
const coreSrc = (path: string) => fileURLToPath(new URL(`../../packages/core/src/${path}`, import.meta.url));
const ENTRY_ID = '\0app-entry.ts';

export interface RolldownMeasured {
  /** min+gzip of what loads at start (the entry chunk and its static imports). */
  gzipBytes: number;
  /** The same with every chunk it may load on demand. */
  withLazyGzipBytes: number;
}

export async function measureWithRolldown(entry: Entry): Promise<RolldownMeasured> {
  const aliases = Object.entries(WORKSPACE_ALIASES).filter(([name]) => !entry.external?.includes(name));
  const app: Plugin = {
    name: 'app-entry',
    resolveId(id) {
      if (id === ENTRY_ID) return id;
      const subpath = /^@tokenstream\/core\/(providers\/[a-z-]+|wire)$/.exec(id)?.[1];
      if (subpath && !entry.external?.includes('@tokenstream/core')) return coreSrc(subpath === 'wire' ? 'wire/index.ts' : `${subpath}.ts`);
      const alias = aliases.find(([name]) => name === id);
      return alias ? alias[1] : null;
    },
    load: (id) => (id === ENTRY_ID ? { code: entry.code, moduleType: 'ts' } : null),
  };
  const bundle = await rolldown({
    input: ENTRY_ID,
    plugins: [app],
    external: (id) => FRAMEWORKS.includes(id) || (entry.external ?? []).some((name) => id === name || id.startsWith(`${name}/`)),
    platform: 'browser',
    transform: { define: { 'process.env.NODE_ENV': '"production"' } },
    logLevel: 'silent',
  });
  const { output } = await bundle.generate({ format: 'esm', minify: true });
  await bundle.close();
  const chunks = new Map(output.flatMap((item) => (item.type === 'chunk' ? [[item.fileName, item] as const] : [])));
  const reachable = (withDynamic: boolean) => {
    const seen = new Set<string>();
    const visit = (name: string) => {
      const chunk = chunks.get(name);
      if (!chunk || seen.has(name)) return;
      seen.add(name);
      for (const imported of chunk.imports) visit(imported);
      if (withDynamic) for (const imported of chunk.dynamicImports) visit(imported);
    };
    for (const chunk of chunks.values()) if (chunk.isEntry) visit(chunk.fileName);
    return seen;
  };
  const gz = (names: Set<string>) => [...names].reduce((sum, name) => sum + gzipSync(chunks.get(name)!.code, { level: 9 }).byteLength, 0);
  return { gzipBytes: gz(reachable(false)), withLazyGzipBytes: gz(reachable(true)) };
}
