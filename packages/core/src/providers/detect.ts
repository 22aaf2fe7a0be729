import { StreamError } from '../errors';
import type { Delta, ProviderAdapter, ProviderName, RawEvent } from '../types';
import { createAnthropicAdapter } from './anthropic';
import { createGeminiAdapter } from './gemini';
import { createOllamaAdapter } from './ollama';
import { createOpenAIChatAdapter } from './openai';
import { createOpenAIResponsesAdapter } from './openai-responses';
import { type Json, isBlank, isObject, parseJsonPayload } from './shared';

const ANTHROPIC_TYPES = new Set([
  'message_start',
  'message_delta',
  'message_stop',
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
  'ping',
]);

/**
 * Which wire format an event belongs to, from its SSE event name or its JSON shape;
 * null when the event does not say (blank keep-alive).
 * Throws a 'parse' StreamError for a shape no supported provider sends.
 */
export function detectProvider(event: RawEvent): Parameters<typeof createNamedAdapter>[0] | null {
  const name = event.event;
  if (ANTHROPIC_TYPES.has(name)) return 'anthropic';
  if (name.startsWith('response.')) return 'openai-responses';
  const data = event.data.trim();
  if (data === '') return null;
  if (data === '[DONE]') return 'openai';
  const payload = parseJsonPayload(data, 'auto', name);
  if (isObject(payload)) {
    const byShape = detectFromShape(payload);
    if (byShape) return byShape;
  }
  const label = name === 'message' ? '' : ` "${name}"`;
  throw new StreamError('parse', `auto: unrecognised stream event${label}: ${data.slice(0, 100)}`, {
    body: data.slice(0, 200),
  });
}

function detectFromShape(payload: Json): Parameters<typeof createNamedAdapter>[0] | null {
  const type = typeof payload.type === 'string' ? payload.type : undefined;
  if (type) {
    if (type.startsWith('response.')) return 'openai-responses';
    if (ANTHROPIC_TYPES.has(type)) return 'anthropic';
    // Anthropic: {"type":"error","error":{...}}; Responses: {"type":"error","code","message"}.
    if (type === 'error') return isObject(payload.error) ? 'anthropic' : 'openai-responses';
  }
  if (Array.isArray(payload.choices) || payload.object === 'chat.completion.chunk') return 'openai';
  if ('candidates' in payload || 'usageMetadata' in payload || 'promptFeedback' in payload) return 'gemini';
  if ('done' in payload && (isObject(payload.message) || typeof payload.response === 'string')) return 'ollama';
  if ('error' in payload) {
    const error = payload.error;
    if (typeof error === 'string') return 'ollama';
    // Google errors carry a gRPC status name; OpenAI-style ones a type/code.
    if (isObject(error) && typeof error.status === 'string') return 'gemini';
    if (isObject(error)) return 'openai';
  }
  return null;
}

/** Detects the provider from the first meaningful event, then hands every event to that provider's adapter. */
export function createAutoAdapter(): ProviderAdapter {
  let inner: ProviderAdapter | null = null;
  return {
    name: 'auto',
    parse(event: RawEvent): Delta | Delta[] | null {
      if (inner) return inner.parse(event);
      if (isBlank(event.data) && !ANTHROPIC_TYPES.has(event.event)) return null;
      const provider = detectProvider(event);
      if (!provider) return null;
      inner = createNamedAdapter(provider);
      return inner.parse(event);
    },
  };
}

export function createNamedAdapter(
  provider: 'openai' | 'openai-responses' | 'anthropic' | 'gemini' | 'ollama',
): ProviderAdapter {
  switch (provider) {
    case 'openai':
      return createOpenAIChatAdapter();
    case 'openai-responses':
      return createOpenAIResponsesAdapter();
    case 'anthropic':
      return createAnthropicAdapter();
    case 'gemini':
      return createGeminiAdapter();
    case 'ollama':
      return createOllamaAdapter();
  }
}
