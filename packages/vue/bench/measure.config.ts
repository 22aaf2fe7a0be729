import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../../vitest.shared.ts';

// Not a test suite: `pnpm vitest run --config packages/vue/bench/measure.config.ts` prints renders per second.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: { alias: workspaceAliases },
  test: { name: 'vue-measure', environment: 'happy-dom', include: ['*.measure.ts'], testTimeout: 60_000 },
});
