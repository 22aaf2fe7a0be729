import { fileURLToPath } from 'node:url';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

/** Tests and the playground run the workspace packages from source: no build step between an edit and a run. */
export const workspaceAliases = {
  '@tokenstream/core': src('core'),
  '@tokenstream/react': src('react'),
  '@tokenstream/vue': src('vue'),
  '@tokenstream/mock-server': src('mock-server'),
  '@tokenstream/server': src('server'),
};
