import { estimateCost, type Usage } from '@tokenstream/core';

// Example list prices in USD per million tokens, to show what estimateCost does with a stream's usage.
// They go stale: check the provider's pricing page before relying on them.

export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  cachedInputPerMTok?: number;
}

const PRICES: Readonly<Record<string, ModelPrice>> = {
  'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075 },
  'gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6, cachedInputPerMTok: 0.1 },
  'claude-3-5-haiku-latest': { inputPerMTok: 0.8, outputPerMTok: 4, cachedInputPerMTok: 0.08 },
  'gemini-2.0-flash': { inputPerMTok: 0.1, outputPerMTok: 0.4, cachedInputPerMTok: 0.025 },
  // A local model costs nothing per token.
  'llama3.2': { inputPerMTok: 0, outputPerMTok: 0 },
};

/** USD for `usage` at `model`'s price; null when there is no usage yet or no price for the model. */
export function costOf(usage: Usage | null, model: string | null): number | null {
  if (!usage || !model) return null;
  const price = PRICES[model];
  return price ? estimateCost(usage, price) : null;
}

export function formatUsd(amount: number | null): string {
  if (amount === null) return '—';
  if (amount === 0) return '$0';
  return amount < 0.01 ? `$${amount.toFixed(6)}` : `$${amount.toFixed(4)}`;
}
