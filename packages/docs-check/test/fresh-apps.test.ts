import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// The newcomer's path end to end (see scripts/fresh-apps.mjs): fresh create-vite React and Vue apps outside the
// workspace, on the packed tarballs, type-check strictly with the README examples pasted in, pass component tests
// with createMockFetch and MSW, build, and require() every package. Installs from the npm registry: minutes.
it('a fresh Vite React app and a fresh Vite Vue app work from the packed tarballs', { timeout: 600_000 }, () => {
  const script = fileURLToPath(new URL('../scripts/fresh-apps.mjs', import.meta.url));
  const result = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
  expect(result.stdout).toContain('require() works for 8 entry points');
});
