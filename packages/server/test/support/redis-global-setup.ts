import { spawnSync } from 'node:child_process';
import { spawnRedis } from './redis-process';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/** A private redis-server for this test run; missing redis-server is an error, never a skip. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error('redis-server is required for the @tokenstream/server tests (apt-get install -y redis-server)');
  }
  const { child, url } = await spawnRedis();
  project.provide('redisUrl', url);
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
}
