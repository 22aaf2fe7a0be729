import type { ProviderAdapter, ProviderName, StreamOptions } from '../types';
import { PROVIDER_NAMES, acceptsFirstLine, createAdapterByName, createAutoAdapter } from './registry';

export { createAnthropicAdapter } from './anthropic';
export { createGeminiAdapter } from './gemini';
export { createJsonAdapter, isJsonChunkEvent } from './json';
export { createLangChainAdapter } from './langchain';
export { createLangGraphAdapter } from './langgraph';
export { createOllamaAdapter } from './ollama';
export { createOpenAIChatAdapter } from './openai';
export { createOpenAIResponsesAdapter } from './openai-responses';
export { PROVIDER_NAMES, createAutoAdapter, detectProvider } from './registry';

const NAMED = new Set<string>(PROVIDER_NAMES);

/** A fresh adapter per stream (adapters may keep per-stream state, e.g. Gemini call indexes). null for 'none'. */
export function createProviderAdapter(provider: StreamOptions['provider']): ProviderAdapter | null {
  if (provider === undefined || provider === 'auto') return createAutoAdapter();
  if (provider === 'none') return null;
  if (typeof provider === 'object' && provider !== null && typeof provider.parse === 'function') return provider;
  if (typeof provider === 'string' && NAMED.has(provider)) return createAdapterByName(provider as ProviderName);
  throw new TypeError(
    `tokenstream: unknown provider ${JSON.stringify(provider)}; expected 'auto', 'none', a ProviderAdapter or one of ` +
      PROVIDER_NAMES.map((name) => `'${name}'`).join(', '),
  );
}

/**
 * Whether a line (the first NDJSON line of an unlabelled body) is an event of any protocol core reads: what sniffing
 * asks before it reads a body as NDJSON instead of text. The relay's sniffing asks the same.
 * (Defined here, not in registry.ts: a static path from the main entry into the registry would pull every adapter
 * into an app's start-up bundle.)
 */
export function isProtocolLine(line: string): boolean {
  return acceptsFirstLine(createAutoAdapter, line);
}
