import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.ts';

export default defineProject({
  resolve: { alias: workspaceAliases },
  // Real servers, a real redis-server and child processes: generous per-test time on a loaded 2-core CI machine.
  test: { name: 'interop', environment: 'node', include: ['test/**/*.test.ts'], testTimeout: 20_000 },
});
