import {
  prepareAGUIBody,
  prepareAISDKBody,
  prepareAnthropicBody,
  prepareGeminiBody,
  prepareOllamaBody,
  prepareOpenAIChatBody,
  prepareOpenAIResponsesBody,
} from '@tokenstream/core';
import type { ChatMessage, ChatOptions, ProviderName } from '@tokenstream/core';
import { prepareTextBody } from './bodies';
import { buildScenario, IDLE_TIMEOUT_MS } from './scenario';
import type { ProviderId, SettingsStore } from './settings';
import { PLAYGROUND_TOOLS } from './tools';

// One row per wire format the mock server speaks: which route, which adapter, which request body. The mock's
// routes live under /mock inside Vite (mockStreamPlugin's default), away from any /api/chat of an app.

type PrepareBody = (messages: ChatMessage[], ctx: { tools: object[]; model?: string }) => unknown;

export interface ProviderSetup {
  id: ProviderId;
  label: string;
  /** Route on the playground's own origin (the mock server runs inside Vite). */
  path: string;
  provider: ProviderName | 'auto' | 'none';
  model?: string;
  prepareBody: PrepareBody;
  /** 'websocket': core opens `ws(s)://<origin host><path>` with the browser's WebSocket instead of a fetch. */
  transport?: 'websocket';
}

export const PROVIDERS: readonly ProviderSetup[] = [
  { id: 'openai', label: 'OpenAI Chat Completions', path: '/mock/v1/chat/completions', provider: 'openai', model: 'gpt-4o-mini', prepareBody: prepareOpenAIChatBody },
  { id: 'responses', label: 'OpenAI Responses', path: '/mock/v1/responses', provider: 'openai-responses', model: 'gpt-4.1-mini', prepareBody: prepareOpenAIResponsesBody },
  { id: 'anthropic', label: 'Anthropic Messages', path: '/mock/v1/messages', provider: 'anthropic', model: 'claude-3-5-haiku-latest', prepareBody: prepareAnthropicBody },
  {
    id: 'gemini',
    label: 'Gemini',
    path: '/mock/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse',
    provider: 'gemini',
    model: 'gemini-2.0-flash',
    prepareBody: prepareGeminiBody,
  },
  { id: 'ollama', label: 'Ollama (NDJSON)', path: '/mock/api/chat', provider: 'ollama', model: 'llama3.2', prepareBody: prepareOllamaBody },
  // 'auto' reads a text/plain body as the answer's text ('none' would hand the chunks to onEvent only).
  { id: 'text', label: 'Plain text', path: '/mock/text', provider: 'auto', prepareBody: prepareTextBody },
  // App protocols: what an app's own backend sends (AI SDK route, AG-UI agent, a hand-written JSON route).
  // useChat's body carries no tools (they live on the server); the mock is handed the playground's tools beside it.
  {
    id: 'ai-sdk',
    label: 'Vercel AI SDK (UI message stream)',
    path: '/mock/ai-sdk/chat',
    provider: 'ai-sdk',
    prepareBody: (messages, ctx) => ({ ...prepareAISDKBody(messages, ctx), tools: ctx.tools }),
  },
  { id: 'ag-ui', label: 'AG-UI events', path: '/mock/ag-ui/run', provider: 'ag-ui', prepareBody: prepareAGUIBody },
  { id: 'json', label: 'JSON lines ({content}, [DONE])', path: '/mock/json/chat', provider: 'json', prepareBody: prepareTextBody },
  // OpenAI Chat events over core's WebSocket transport; the mock accepts the upgrade on the route's own path.
  {
    id: 'websocket',
    label: 'WebSocket (OpenAI events)',
    path: '/mock/v1/chat/completions',
    provider: 'openai',
    model: 'gpt-4o-mini',
    prepareBody: prepareOpenAIChatBody,
    transport: 'websocket',
  },
];

function providerSetup(id: ProviderId): ProviderSetup {
  const setup = PROVIDERS.find((p) => p.id === id);
  if (!setup) throw new Error(`unknown provider ${id}`);
  return setup;
}

/** The route on `origin`; a WebSocket row gets the same path with ws: (wss: under https:). */
function routeUrl(setup: ProviderSetup, origin: string): string {
  const url = new URL(setup.path, origin);
  if (setup.transport === 'websocket') url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

/**
 * useChat options for a provider. The route, adapter and model are fixed for the chat's lifetime (pages
 * re-create the chat when the provider changes); pace and faults are read from the store at every request.
 */
export function chatOptionsFor(id: ProviderId, settings: SettingsStore, origin: string = location.origin): ChatOptions {
  const setup = providerSetup(id);
  return {
    url: routeUrl(setup, origin),
    ...(setup.transport && { transport: setup.transport }),
    provider: setup.provider,
    ...(setup.model !== undefined && { model: setup.model }),
    tools: setup.id === 'text' ? {} : PLAYGROUND_TOOLS,
    idleTimeoutMs: IDLE_TIMEOUT_MS,
    smooth: settings.get().smooth,
    prepareBody: (messages, ctx) => {
      const body = setup.prepareBody(messages, ctx) as Record<string, unknown>;
      return { ...body, mock: buildScenario(settings.get()) };
    },
  };
}
