import { agUiFormat } from './ag-ui';
import { aiSdkFormat } from './ai-sdk';
import { anthropicFormat } from './anthropic';
import { geminiFormat } from './gemini';
import { jsonFormat } from './json';
import { ollamaChatFormat, ollamaGenerateFormat } from './ollama';
import { openAIChatFormat } from './openai-chat';
import { openAIResponsesFormat } from './openai-responses';
import { textFormat } from './text';
import type { FormatName, ProviderFormat } from './types';

export type { FormatName, Framing, ProviderFormat, WireEvent, FormatContext, StreamStop } from './types';

export const FORMATS: Record<FormatName, ProviderFormat> = {
  openai: openAIChatFormat,
  'openai-responses': openAIResponsesFormat,
  anthropic: anthropicFormat,
  gemini: geminiFormat,
  'ollama-chat': ollamaChatFormat,
  'ollama-generate': ollamaGenerateFormat,
  text: textFormat,
  'ai-sdk': aiSdkFormat,
  'ag-ui': agUiFormat,
  json: jsonFormat,
};
