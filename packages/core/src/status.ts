import type { StreamStatus } from './types';

/** A request is under way: queued, connecting, streaming or reconnecting (what a Stop button or a spinner shows). */
export function isActive(status: StreamStatus): boolean {
  return status === 'queued' || status === 'connecting' || status === 'streaming' || status === 'reconnecting';
}
