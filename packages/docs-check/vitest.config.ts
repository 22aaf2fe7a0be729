import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'docs-check', environment: 'node', include: ['test/**/*.test.ts'] },
});
