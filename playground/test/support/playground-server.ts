import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningPlayground {
  url: string;
  close(): Promise<void>;
}

/** The playground's own Vite dev server (mock routes included) on a random 127.0.0.1 port. */
export async function startPlayground(): Promise<RunningPlayground> {
  // A private dependency cache: a `pnpm dev` running at the same time must not race us on node_modules/.vite.
  const cacheDir = await mkdtemp(join(tmpdir(), 'playground-vite-'));
  const server = await createServer({
    root,
    configFile: join(root, 'vite.config.ts'),
    configLoader: 'runner',
    cacheDir,
    logLevel: 'warn',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: true },
  });
  await server.listen();
  const { port } = server.httpServer!.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    async close() {
      await server.close();
      await rm(cacheDir, { recursive: true, force: true });
    },
  };
}
