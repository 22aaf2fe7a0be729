import { fileURLToPath } from 'node:url';

const pkg = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));

/**
 * Tests and the playground run the workspace packages from source: no build step between an edit and a run.
 * Subpaths map to their source files (`@tokenstream/core/providers/openai` -> packages/core/src/providers/openai.ts).
 */
export const workspaceAliases: { find: RegExp; replacement: string }[] = [
  { find: /^@tokenstream\/core\/wire$/, replacement: pkg('core/src/wire/index.ts') },
  { find: /^@tokenstream\/core\/providers\/([a-z-]+)$/, replacement: pkg('core/src/providers/$1.ts') },
  { find: /^@tokenstream\/mock-server\/msw$/, replacement: pkg('mock-server/src/msw.ts') },
  ...['core', 'react', 'vue', 'mock-server', 'server', 'test-utils'].map((name) => ({
    find: new RegExp(`^@tokenstream/${name}$`),
    replacement: pkg(`${name}/src/index.ts`),
  })),
];
