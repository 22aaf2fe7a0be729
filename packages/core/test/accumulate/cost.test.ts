import { describe, expect, it } from 'vitest';
import { estimateCost } from '../../src/accumulate/cost';

describe('estimateCost', () => {
  const price = { inputPerMTok: 3, outputPerMTok: 15 };

  it('prices per million tokens, in the currency of the prices', () => {
    expect(estimateCost({ inputTokens: 1_000_000, outputTokens: 1_000_000, totalTokens: 2_000_000 }, price)).toBe(18);
    expect(estimateCost({ inputTokens: 1200, outputTokens: 300, totalTokens: 1500 }, price)).toBeCloseTo(0.0081, 12);
    expect(estimateCost({ inputTokens: 0, outputTokens: 0, totalTokens: 0 }, price)).toBe(0);
  });

  it('prices the cached share at cachedInputPerMTok when given', () => {
    const usage = { inputTokens: 1_000_000, outputTokens: 0, totalTokens: 1_000_000, cachedInputTokens: 400_000 };
    // 600k uncached at 3 + 400k cached at 0.3
    expect(estimateCost(usage, { ...price, cachedInputPerMTok: 0.3 })).toBeCloseTo(1.8 + 0.12, 12);
  });

  it('prices the cached share at the input price when no cached price is given', () => {
    const usage = { inputTokens: 1_000_000, outputTokens: 0, totalTokens: 1_000_000, cachedInputTokens: 400_000 };
    expect(estimateCost(usage, price)).toBeCloseTo(3, 12);
  });

  it('counts reasoning once, as part of outputTokens', () => {
    const usage = { inputTokens: 0, outputTokens: 1_000_000, totalTokens: 1_000_000, reasoningTokens: 800_000 };
    expect(estimateCost(usage, price)).toBe(15);
  });

  it('never prices more cached tokens than input tokens', () => {
    const usage = { inputTokens: 100, outputTokens: 0, totalTokens: 100, cachedInputTokens: 500 };
    expect(estimateCost(usage, { ...price, cachedInputPerMTok: 1 })).toBeCloseTo(100 / 1e6, 15);
  });

  it('rejects negative or non-finite prices and counts with a RangeError', () => {
    const usage = { inputTokens: 1, outputTokens: 1, totalTokens: 2 };
    expect(() => estimateCost(usage, { inputPerMTok: -1, outputPerMTok: 1 })).toThrow(RangeError);
    expect(() => estimateCost(usage, { inputPerMTok: 1, outputPerMTok: Number.NaN })).toThrow(/outputPerMTok/);
    expect(() => estimateCost(usage, { ...price, cachedInputPerMTok: Infinity })).toThrow(/cachedInputPerMTok/);
    expect(() => estimateCost({ ...usage, inputTokens: -5 }, price)).toThrow(/inputTokens/);
  });
});
