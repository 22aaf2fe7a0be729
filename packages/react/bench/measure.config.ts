import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../../vitest.shared.ts';

// Not a test suite: `pnpm vitest run --config packages/react/bench/measure.config.ts` prints renders per second.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: { alias: workspaceAliases },
  test: { name: 'react-measure', environment: 'happy-dom', include: ['*.measure.tsx'], testTimeout: 60_000 },
});
