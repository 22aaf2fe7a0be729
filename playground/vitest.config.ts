import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../vitest.shared.ts';

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'playground',
    environment: 'node',
    include: ['test/**/*.test.ts'],
    // Browser tests: a Vite dev server and Chromium start once per file; each test drives real streams.
    testTimeout: 45_000,
    hookTimeout: 60_000,
  },
});
