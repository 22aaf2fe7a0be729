export type * from './types';
export { StreamError } from './errors';
export { createStream } from './stream';
export { createPool } from './pool';
export { createProviderAdapter } from './providers';
export { parsePartialJson } from './accumulate/partial-json';
export { estimateCost } from './accumulate/cost';
export { createChat } from './chat/chat';
export {
  prepareOpenAIChatBody,
  prepareOpenAIResponsesBody,
  prepareAnthropicBody,
  prepareGeminiBody,
  prepareOllamaBody,
} from './chat/bodies';
