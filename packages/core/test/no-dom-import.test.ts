import { describe, expect, it } from 'vitest';

// Importing any package in plain Node must touch no DOM global (SSR, workers, tests).
describe('imports without a DOM', () => {
  it('has no window or document here', () => {
    expect(typeof window).toBe('undefined');
    expect(typeof document).toBe('undefined');
  });

  for (const name of ['@tokenstream/core', '@tokenstream/react', '@tokenstream/vue', '@tokenstream/mock-server', '@tokenstream/server']) {
    it(`imports ${name}`, async () => {
      const module = await import(/* @vite-ignore */ name);
      expect(Object.keys(module).length).toBeGreaterThan(0);
    });
  }
});
