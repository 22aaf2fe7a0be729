import { StreamError } from '../errors';
import type { Delta, ProviderAdapter, ProviderName, RawEvent } from '../types';
import { createAGUIAdapter, isAGUIEvent } from './ag-ui';
import { createAISDKAdapter, isAISDKEvent } from './ai-sdk';
import { createAnthropicAdapter, isAnthropicEvent } from './anthropic';
import { createGeminiAdapter, isGeminiEvent } from './gemini';
import { createJsonAdapter, isJsonChunkEvent } from './json';
import { createLangChainAdapter, isLangChainEvent } from './langchain';
import { createLangGraphAdapter, isLangGraphEvent } from './langgraph';
import { createOllamaAdapter, isOllamaEvent } from './ollama';
import { createOpenAIChatAdapter, isOpenAIChatEvent } from './openai';
import { createOpenAIResponsesAdapter, isOpenAIResponsesEvent } from './openai-responses';
import { type ProtocolRecognizer, isBlank, tryParseJson } from './shared';

// The one module that imports every adapter: the engine loads it on demand (for 'auto' and name strings), so an
// app that passes one adapter object ships none of the others.

interface Protocol {
  name: ProviderName;
  create(): ProviderAdapter;
  recognizes: ProtocolRecognizer;
}

/**
 * Detection order, specific before generic: named SSE events and typed chunks first; the AI SDK before the
 * Responses API (both send `{"type":"error"}`, the AI SDK's with `errorText`); Gemini's and Ollama's error shapes
 * before OpenAI's catch-all `{"error"}`; the hand-written `json` shapes last (an AI SDK `text-delta` has a
 * `delta` string, an Ollama line a `response` string).
 */
const PROTOCOLS: readonly Protocol[] = [
  { name: 'anthropic', create: createAnthropicAdapter, recognizes: isAnthropicEvent },
  { name: 'ai-sdk', create: createAISDKAdapter, recognizes: isAISDKEvent },
  { name: 'ag-ui', create: createAGUIAdapter, recognizes: isAGUIEvent },
  { name: 'openai-responses', create: createOpenAIResponsesAdapter, recognizes: isOpenAIResponsesEvent },
  { name: 'langgraph', create: createLangGraphAdapter, recognizes: isLangGraphEvent },
  { name: 'langchain', create: createLangChainAdapter, recognizes: isLangChainEvent },
  { name: 'gemini', create: createGeminiAdapter, recognizes: isGeminiEvent },
  { name: 'ollama', create: createOllamaAdapter, recognizes: isOllamaEvent },
  { name: 'openai', create: createOpenAIChatAdapter, recognizes: isOpenAIChatEvent },
  { name: 'json', create: createJsonAdapter, recognizes: isJsonChunkEvent },
];

const BY_NAME = new Map(PROTOCOLS.map((protocol) => [protocol.name, protocol]));

export const PROVIDER_NAMES: readonly ProviderName[] = PROTOCOLS.map((protocol) => protocol.name);

const UNRECOGNISED_STREAM = 'unrecognised_stream';

/** A fresh adapter of the named protocol (adapters keep per-stream state). */
export function createAdapterByName(name: ProviderName): ProviderAdapter {
  const protocol = BY_NAME.get(name);
  if (!protocol) throw new TypeError(`tokenstream: unknown provider ${JSON.stringify(name)}`);
  return protocol.create();
}

/**
 * Which protocol an event belongs to; null when the event says nothing (blank keep-alive).
 * Throws a 'parse' StreamError (code `unrecognised_stream`) quoting the event when no protocol claims it.
 */
export function detectProvider(event: RawEvent): ProviderName | null {
  if (isBlank(event.data)) return null;
  const json = tryParseJson(event.data);
  const protocol = PROTOCOLS.find((candidate) => candidate.recognizes(event, json));
  if (protocol) return protocol.name;
  const data = event.data.trim();
  const label = event.event === 'message' ? '' : ` "${event.event.slice(0, 40)}"`;
  throw new StreamError('parse', `auto: unrecognised stream event${label}: ${data.slice(0, 100)}`, {
    body: data.slice(0, 200),
    code: UNRECOGNISED_STREAM,
  });
}

/** Headers that announce the protocol before any event. */
function announcedBy(headers: Headers): ProviderName | null {
  if (headers.get('x-vercel-ai-ui-message-stream') === 'v1' || headers.get('x-vercel-ai-data-stream') === 'v1') {
    return 'ai-sdk';
  }
  return null;
}

// LangGraph's and LangServe's first event is the same `event: metadata` {"run_id"}: it is held back until an
// event that tells them apart (a bounded number of them), then replayed to the chosen adapter if it is its own.
const MAX_HELD_EVENTS = 8;
const FALLBACK_FOR_HELD: ProviderName = 'langgraph';

function isUndecided(event: RawEvent, json: unknown): boolean {
  return event.event === 'metadata' && isLangGraphEvent(event, json) && isLangChainEvent(event, json);
}

/**
 * `provider: 'auto'`: the protocol from the response headers when they announce one, else from the first
 * meaningful event; every later event (and `end()`, `open()`) goes to that protocol's adapter.
 */
export function createAutoAdapter(): ProviderAdapter {
  let inner: ProviderAdapter | null = null;
  const held: RawEvent[] = [];

  function choose(name: ProviderName, event: RawEvent | null): Delta[] {
    const protocol = BY_NAME.get(name)!;
    const adapter = protocol.create();
    inner = adapter;
    // A hand-written stream may send an `event: metadata` of its own: it is not replayed to an adapter that does
    // not claim it (its first-event check would refuse the stream).
    const replayed = held.filter((e) => protocol.recognizes(e, tryParseJson(e.data)));
    held.length = 0;
    return [...replayed, ...(event ? [event] : [])].flatMap((e) => asList(adapter.parse(e)));
  }

  return {
    name: 'auto',
    open(headers: Headers): boolean {
      let announced = false;
      if (!inner) {
        const name = announcedBy(headers);
        if (name) inner = createAdapterByName(name);
        announced = name !== null;
      }
      inner?.open?.(headers);
      return announced;
    },
    parse(event: RawEvent): Delta | Delta[] | null {
      if (inner) return inner.parse(event);
      if (held.length < MAX_HELD_EVENTS && isUndecided(event, tryParseJson(event.data))) {
        held.push(event);
        return null;
      }
      const name = detectProvider(event);
      if (!name) return null;
      return choose(name, event);
    },
    end(): Delta | Delta[] | null {
      const flushed = !inner && held.length > 0 ? choose(FALLBACK_FOR_HELD, null) : [];
      const ending = inner?.end ? asList(inner.end()) : [];
      const all = [...flushed, ...ending];
      return all.length > 0 ? all : null;
    },
  };
}

function asList(out: Delta | Delta[] | null): Delta[] {
  return out === null ? [] : Array.isArray(out) ? out : [out];
}

/** Whether a fresh adapter takes `line` as its first event (it throws for another protocol's shape). */
export function acceptsFirstLine(create: () => ProviderAdapter, line: string): boolean {
  try {
    create().parse({ event: 'message', data: line, id: '' });
    return true;
  } catch {
    return false;
  }
}
