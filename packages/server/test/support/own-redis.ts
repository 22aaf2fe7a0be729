import { spawnRedis } from './redis-process';

export interface OwnRedis {
  url: string;
  /** SIGSTOP: the server hangs, connections stay open. */
  pause(): void;
  resume(): void;
  /** SIGKILL: connections drop. */
  kill(): Promise<void>;
  /** Always safe: resumes and kills it if still running. */
  close(): Promise<void>;
}

/** A private redis-server on a free loopback port, for tests that stop or kill it (never the shared one). */
export async function startOwnRedis(): Promise<OwnRedis> {
  const { child, url } = await spawnRedis();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    url,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    kill: async () => {
      if (running()) child.kill('SIGKILL');
      await exited;
    },
    close: async () => {
      if (!running()) return;
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await exited;
    },
  };
}
