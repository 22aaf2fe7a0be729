import { describe, expect, it } from 'vitest';
import { isActive } from '../src/status';
import type { StreamStatus } from '../src/types';

describe('isActive', () => {
  it('is true exactly while a request is under way', () => {
    const all: StreamStatus[] = ['idle', 'queued', 'connecting', 'streaming', 'reconnecting', 'done', 'error', 'aborted'];
    expect(all.filter(isActive)).toEqual(['queued', 'connecting', 'streaming', 'reconnecting']);
  });
});
