import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.ts';

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: { name: 'core', environment: 'node', include: ['test/**/*.test.ts'], setupFiles: ['test/setup/tool-calls-loaded.ts'] },
});
