import type { Delta, ProviderAdapter, RawEvent, Usage } from '../types';
import {
  DeltaBatch,
  IdentityTracker,
  type Json,
  type ProtocolRecognizer,
  createProtocolCheck,
  errorDelta,
  isBlank,
  isObject,
  num,
  parseJsonPayload,
  str,
  readEventJson,
  withTotal,
  isDoneMarker,
} from './shared';

const FINISH_REASONS: Record<string, string> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  function_call: 'tool_calls',
  content_filter: 'content_filter',
};

/** A Chat Completions chunk, its `[DONE]`, or an in-band error (`{"error": {...}}` or `{"error": "..."}`). */
export const isOpenAIChatEvent: ProtocolRecognizer = (event, json) => {
  if (isDoneMarker(event.data)) return true;
  if (!isObject(json)) return false;
  const error = json.error;
  return (
    Array.isArray(json.choices) ||
    json.object === 'chat.completion.chunk' ||
    json.object === 'error' ||
    isObject(error) ||
    typeof error === 'string'
  );
};

/**
 * OpenAI Chat Completions and the servers that speak it (Azure OpenAI, DeepSeek, OpenRouter, vLLM, Mistral, xAI...).
 * Only choice 0 is followed: a snapshot holds one answer.
 * Complete on `[DONE]`, or on a clean end after a `finish_reason`: most relays (`for await (chunk of stream)`
 * writing `data: JSON`) never forward `[DONE]`, although the whole answer arrived.
 */
export function createOpenAIChatAdapter(): ProviderAdapter {
  const identity = new IdentityTracker();
  const seenCalls = new Set<number>();
  const check = createProtocolCheck('openai', isOpenAIChatEvent);
  let finished = false;

  return {
    name: 'openai',
    parse(event: RawEvent): Delta | Delta[] | null {
      const data = event.data;
      if (isBlank(data)) return null;
      const json = readEventJson(event, 'openai');
      check(event, json);
      if (isDoneMarker(data)) return { done: true };
      const chunk = json === undefined ? parseJsonPayload(data, 'openai', event.event) : json;
      if (!isObject(chunk)) return null;
      const inBand = openAIErrorDelta(chunk);
      if (inBand) return inBand;

      const batch = new DeltaBatch();
      identity.apply(batch.head, chunk.model, chunk.id);
      const choice = firstChoice(chunk.choices);
      if (isObject(choice)) {
        if (isObject(choice.delta)) readChoiceDelta(choice.delta, batch, seenCalls);
        const finish = str(choice.finish_reason);
        if (finish) {
          finished = true;
          // Finish means every streamed call's arguments are final.
          for (const index of seenCalls) batch.toolCall({ index, complete: true });
          const mapped = FINISH_REASONS[finish] ?? finish;
          // Some compatible servers end a tool-calling turn with 'stop'.
          batch.tail.finishReason = mapped === 'stop' && seenCalls.size > 0 ? 'tool_calls' : mapped;
        }
      }
      if (isObject(chunk.usage)) batch.tail.usage = normalizeOpenAIUsage(chunk.usage);
      return batch.finish();
    },
    end(): Delta | null {
      return finished ? { done: true } : null;
    },
  };
}

/** Choice 0 (or the one without an index). */
function firstChoice(choices: unknown): unknown {
  if (!Array.isArray(choices)) return undefined;
  for (const choice of choices) if (isObject(choice) && (choice.index === 0 || choice.index === undefined)) return choice;
  return undefined;
}

function readChoiceDelta(delta: Json, batch: DeltaBatch, seenCalls: Set<number>): void {
  if (typeof delta.content === 'string') batch.appendText(delta.content);
  else if (Array.isArray(delta.content)) readContentParts(delta.content, batch);
  // DeepSeek and older vLLM send reasoning_content, OpenRouter and newer vLLM send reasoning;
  // a server sending both repeats the same text, so one of them is used.
  batch.appendReasoning(str(delta.reasoning_content) || str(delta.reasoning));
  // A refusal is the visible answer of a refused request; there is no separate field for it.
  batch.appendText(str(delta.refusal));

  if (Array.isArray(delta.tool_calls)) readToolCalls(delta.tool_calls, batch, seenCalls);
  // Legacy `function_call` (pre tool_calls) is one call at index 0.
  if (isObject(delta.function_call)) {
    seenCalls.add(0);
    const name = str(delta.function_call.name);
    const args = str(delta.function_call.arguments);
    batch.toolCall({ index: 0, ...(name ? { name } : {}), ...(args ? { argumentsDelta: args } : {}) });
  }
}

function readToolCalls(calls: unknown[], batch: DeltaBatch, seenCalls: Set<number>): void {
  calls.forEach((raw, position) => {
    if (!isObject(raw)) return;
    const index = num(raw.index) ?? position;
    const fn = isObject(raw.function) ? raw.function : {};
    seenCalls.add(index);
    const call: { index: number; id?: string; name?: string; argumentsDelta?: string } = { index };
    const id = str(raw.id);
    if (id) call.id = id;
    const name = str(fn.name);
    if (name) call.name = name;
    const args = str(fn.arguments);
    if (args) call.argumentsDelta = args;
    batch.toolCall(call);
  });
}

/** Mistral (magistral) sends content as typed parts: text parts and thinking parts. */
function readContentParts(parts: unknown[], batch: DeltaBatch): void {
  for (const part of parts) {
    if (!isObject(part)) continue;
    if (part.type === 'text') batch.appendText(str(part.text));
    else if (part.type === 'thinking' && Array.isArray(part.thinking)) {
      for (const inner of part.thinking) if (isObject(inner)) batch.appendReasoning(str(inner.text));
    }
  }
}

/** `{"error": {...}}` (OpenAI, OpenRouter, vLLM), `{"error": "..."}`, or vLLM's `{"object": "error", "message"}` in band. */
export function openAIErrorDelta(chunk: Json): Delta | null {
  if (chunk.object === 'error' && typeof chunk.message === 'string') {
    return errorDelta(chunk.message, str(chunk.code) ?? (num(chunk.code)?.toString() || str(chunk.type)));
  }
  const error = chunk.error;
  if (typeof error === 'string') return errorDelta(error);
  if (!isObject(error)) return null;
  const message = str(error.message) ?? JSON.stringify(error);
  const code = str(error.code) ?? (num(error.code)?.toString() || str(error.type));
  return errorDelta(message, code);
}

export function normalizeOpenAIUsage(raw: Json): Partial<Usage> {
  const usage: Partial<Usage> = {};
  const input = num(raw.prompt_tokens);
  const output = num(raw.completion_tokens);
  if (input !== undefined) usage.inputTokens = input;
  if (output !== undefined) usage.outputTokens = output;
  const promptDetails = isObject(raw.prompt_tokens_details) ? raw.prompt_tokens_details : {};
  const cached = num(promptDetails.cached_tokens) ?? num(raw.prompt_cache_hit_tokens);
  if (cached !== undefined) usage.cachedInputTokens = cached;
  const completionDetails = isObject(raw.completion_tokens_details) ? raw.completion_tokens_details : {};
  const reasoning = num(completionDetails.reasoning_tokens);
  if (reasoning !== undefined) usage.reasoningTokens = reasoning;
  return withTotal(usage, num(raw.total_tokens));
}

/** `@tokenstream/core/providers/openai`: `createStream({ url, provider: openai() })`. */
export default createOpenAIChatAdapter;
