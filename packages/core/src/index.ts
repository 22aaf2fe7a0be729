export type * from './types';
export { StreamError, type StreamErrorInit } from './errors';
export { createStream } from './stream';
export { isActive } from './status';
export { createPool, type PoolOptions } from './pool';
export { createProviderAdapter, isProtocolLine } from './providers';
export { parsePartialJson } from './accumulate/parse-partial-json';
export { estimateCost, type TokenPrice } from './accumulate/cost';
export { createChat } from './chat/chat';
export {
  prepareOpenAIChatBody,
  prepareOpenAIResponsesBody,
  prepareAnthropicBody,
  prepareGeminiBody,
  prepareOllamaBody,
  type PrepareBodyContext,
  type AnthropicBodyContext,
} from './chat/bodies';
export { prepareAISDKBody, prepareAGUIBody, type AISDKBodyContext, type AGUIBodyContext } from './chat/app-bodies';
export { splitMarkdownBlocks, type MarkdownBlocks } from './markdown/blocks';
export { createSafeMarkdownRenderer, isSafeUrl, type MarkedModule, type MarkedTokenLike } from './markdown/safe-html';
