import type { ProviderAdapter, ProviderName, StreamOptions } from '../types';
import { PROVIDER_NAMES, createAdapterByName, createAutoAdapter } from './registry';

export { createAGUIAdapter, isAGUIEvent } from './ag-ui';
export { createAISDKAdapter, isAISDKEvent } from './ai-sdk';
export { createAnthropicAdapter, isAnthropicEvent } from './anthropic';
export { createGeminiAdapter, isGeminiEvent } from './gemini';
export { createJsonAdapter, isJsonChunkEvent } from './json';
export { createLangChainAdapter, isLangChainEvent } from './langchain';
export { createLangGraphAdapter, isLangGraphEvent } from './langgraph';
export { createOllamaAdapter, isOllamaEvent } from './ollama';
export { createOpenAIChatAdapter, isOpenAIChatEvent } from './openai';
export { createOpenAIResponsesAdapter, isOpenAIResponsesEvent } from './openai-responses';
export { PROVIDER_NAMES, UNRECOGNISED_STREAM, createAdapterByName, createAutoAdapter, detectProvider } from './registry';

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
