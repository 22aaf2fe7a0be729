import type { ProviderAdapter, StreamOptions } from '../types';
import { createAutoAdapter, createNamedAdapter } from './detect';

export { createAnthropicAdapter } from './anthropic';
export { createAutoAdapter, detectProvider } from './detect';
export { createGeminiAdapter } from './gemini';
export { createOllamaAdapter } from './ollama';
export { createOpenAIChatAdapter } from './openai';
export { createOpenAIResponsesAdapter } from './openai-responses';

const NAMED = new Set(['openai', 'openai-responses', 'anthropic', 'gemini', 'ollama']);

/** A fresh adapter per stream (adapters may keep per-stream state, e.g. Gemini call indexes). null for 'none'. */
export function createProviderAdapter(provider: StreamOptions['provider']): ProviderAdapter | null {
  if (provider === undefined || provider === 'auto') return createAutoAdapter();
  if (provider === 'none') return null;
  if (typeof provider === 'object' && provider !== null && typeof provider.parse === 'function') return provider;
  if (typeof provider === 'string' && NAMED.has(provider)) {
    return createNamedAdapter(provider as Parameters<typeof createNamedAdapter>[0]);
  }
  throw new TypeError(
    `tokenstream: unknown provider ${JSON.stringify(provider)}; expected 'auto', 'openai', 'openai-responses', ` +
      `'anthropic', 'gemini', 'ollama', 'none' or a ProviderAdapter`,
  );
}
