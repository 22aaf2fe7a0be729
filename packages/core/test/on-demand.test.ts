import { describe, expect, it } from 'vitest';
import { onDemand } from '../src/on-demand';

describe('onDemand', () => {
  it('loads once: every call shares the same load', async () => {
    let loads = 0;
    const load = onDemand(async () => ++loads);
    expect(await Promise.all([load(), load()])).toEqual([1, 1]);
    expect(await load()).toBe(1);
    expect(loads).toBe(1);
  });

  it('a failed load is not kept: the next call tries again', async () => {
    let loads = 0;
    const load = onDemand(async () => {
      loads++;
      if (loads === 1) throw new Error('Failed to fetch dynamically imported module');
      return 'module';
    });
    await expect(load()).rejects.toThrow('Failed to fetch');
    expect(await load()).toBe('module');
    expect(await load()).toBe('module');
    expect(loads).toBe(2);
  });
});
