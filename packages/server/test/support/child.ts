import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * `node` arguments and environment to run a TypeScript test child with tsx as a loader inside that very process,
 * so that its pid is the process to measure or kill (the tsx CLI would put a second process in between).
 */
export function tsChild(script: string, env: Record<string, string> = {}): { command: string; args: string[];
  env: NodeJS.ProcessEnv } {
  const loader = createRequire(import.meta.url).resolve('tsx/esm');
  return {
    command: process.execPath,
    args: ['--import', pathToFileURL(loader).href, here(script)],
    env: { ...process.env, NODE_OPTIONS: '', TSX_TSCONFIG_PATH: here('./child-tsconfig.json'), ...env },
  };
}
