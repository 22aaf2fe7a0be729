import type { Usage } from '../types';

export interface TokenPrice {
  /** Price of one million prompt tokens (uncached share). */
  inputPerMTok: number;
  /** Price of one million generated tokens (reasoning included: it is part of outputTokens). */
  outputPerMTok: number;
  /** Price of one million cached prompt tokens; default: the input price. */
  cachedInputPerMTok?: number;
}

const PER_MILLION = 1_000_000;

function checkAmount(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`estimateCost: ${name} must be a finite number >= 0, got ${String(value)}`);
  }
}

/**
 * Cost of one usage record in the currency of the prices (prices are per million tokens).
 * `inputTokens` counts every prompt token, cached ones included; `cachedInputTokens` is the cached share and is
 * priced at `cachedInputPerMTok` when given (capped at `inputTokens`). Throws a RangeError on a negative or
 * non-finite price or token count.
 */
export function estimateCost(usage: Usage, price: TokenPrice): number {
  checkAmount('price.inputPerMTok', price.inputPerMTok);
  checkAmount('price.outputPerMTok', price.outputPerMTok);
  if (price.cachedInputPerMTok !== undefined) checkAmount('price.cachedInputPerMTok', price.cachedInputPerMTok);
  checkAmount('usage.inputTokens', usage.inputTokens);
  checkAmount('usage.outputTokens', usage.outputTokens);
  if (usage.cachedInputTokens !== undefined) checkAmount('usage.cachedInputTokens', usage.cachedInputTokens);

  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const uncached = usage.inputTokens - cached;
  const cachedPrice = price.cachedInputPerMTok ?? price.inputPerMTok;
  return (uncached * price.inputPerMTok + cached * cachedPrice + usage.outputTokens * price.outputPerMTok) / PER_MILLION;
}
