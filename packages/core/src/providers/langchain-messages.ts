import type { ToolCallDelta, Usage } from '../types';
import { type DeltaBatch, type Json, isObject, num, str, withTotal } from './shared';

// LangChain messages as they travel in LangGraph and LangServe streams: plain dicts
// (`{type: 'AIMessageChunk' | 'ai' | 'tool', content, tool_call_chunks, tool_calls, usage_metadata, response_metadata}`)
// or JSON-serialized JS objects (`{lc: 1, type: 'constructor', id: [..., 'AIMessageChunk'], kwargs: {...}}`).

const AI_TYPES = new Set(['ai', 'AIMessage', 'AIMessageChunk']);
const TOOL_TYPES = new Set(['tool', 'ToolMessage', 'ToolMessageChunk']);
const OTHER_TYPES = new Set([
  'human',
  'HumanMessage',
  'HumanMessageChunk',
  'system',
  'SystemMessage',
  'SystemMessageChunk',
  'function',
  'FunctionMessage',
  'chat',
  'ChatMessage',
  'remove',
  'RemoveMessage',
]);

const FINISH_REASONS: Record<string, string> = {
  stop: 'stop',
  end_turn: 'stop',
  stop_sequence: 'stop',
  STOP: 'stop',
  length: 'length',
  max_tokens: 'length',
  MAX_TOKENS: 'length',
  tool_calls: 'tool_calls',
  tool_use: 'tool_calls',
  function_call: 'tool_calls',
  content_filter: 'content_filter',
  refusal: 'content_filter',
  SAFETY: 'content_filter',
};

/** The message's own fields, whichever of the two encodings it came in; null for anything that is not a message. */
export function unwrapMessage(value: unknown): { kind: 'ai' | 'tool' | 'other'; fields: Json } | null {
  if (!isObject(value)) return null;
  if (value.lc === 1 && value.type === 'constructor' && Array.isArray(value.id) && isObject(value.kwargs)) {
    const kind = kindOf(String(value.id[value.id.length - 1]));
    return kind ? { kind, fields: value.kwargs } : null;
  }
  const type = str(value.type);
  // A structured output may well have `type` and `content` keys: only LangChain's message types count.
  const kind = type === undefined || !('content' in value) ? null : kindOf(type);
  return kind ? { kind, fields: value } : null;
}

function kindOf(type: string): 'ai' | 'tool' | 'other' | null {
  if (AI_TYPES.has(type)) return 'ai';
  if (TOOL_TYPES.has(type)) return 'tool';
  return OTHER_TYPES.has(type) ? 'other' : null;
}

/** Text and reasoning of a message's content: a string, or content blocks (text, reasoning, thinking). */
function readContent(fields: Json): { text: string; reasoning: string } {
  let text = '';
  let reasoning = '';
  const content = fields.content;
  if (typeof content === 'string') text = content;
  else if (Array.isArray(content)) {
    for (const block of content) {
      if (typeof block === 'string') text += block;
      else if (!isObject(block)) continue;
      else if (block.type === 'text' || block.type === 'text_delta') text += str(block.text) ?? '';
      else if (block.type === 'reasoning') reasoning += str(block.reasoning) ?? str(block.text) ?? '';
      else if (block.type === 'thinking' || block.type === 'thinking_delta') reasoning += str(block.thinking) ?? '';
    }
  }
  // DeepSeek-style models keep their reasoning beside the content.
  const extra = isObject(fields.additional_kwargs) ? fields.additional_kwargs : {};
  reasoning += str(extra.reasoning_content) ?? '';
  return { text, reasoning };
}

/**
 * `response_metadata.finish_reason` (OpenAI), `stop_reason` (Anthropic; older @langchain/anthropic put it in
 * `additional_kwargs`), `finishReason` (Gemini), `done_reason` (Ollama).
 */
function readFinishReason(fields: Json): string | undefined {
  const meta = isObject(fields.response_metadata) ? fields.response_metadata : {};
  const extra = isObject(fields.additional_kwargs) ? fields.additional_kwargs : {};
  const raw =
    str(meta.finish_reason) ?? str(meta.stop_reason) ?? str(meta.finishReason) ?? str(meta.done_reason) ?? str(extra.stop_reason);
  return raw ? normalizeFinishReason(raw) : undefined;
}

function normalizeFinishReason(raw: string): string {
  return FINISH_REASONS[raw] ?? raw;
}

/** LangChain's `usage_metadata`: input counts every prompt token (cache reads included), output every generated one. */
function readUsage(fields: Json): Partial<Usage> | undefined {
  const raw = fields.usage_metadata;
  if (!isObject(raw)) return undefined;
  const usage: Partial<Usage> = {};
  const input = num(raw.input_tokens);
  const output = num(raw.output_tokens);
  if (input !== undefined) usage.inputTokens = input;
  if (output !== undefined) usage.outputTokens = output;
  const inputDetails = isObject(raw.input_token_details) ? raw.input_token_details : {};
  const cached = num(inputDetails.cache_read);
  if (cached !== undefined) usage.cachedInputTokens = cached;
  const outputDetails = isObject(raw.output_token_details) ? raw.output_token_details : {};
  const reasoning = num(outputDetails.reasoning);
  if (reasoning !== undefined) usage.reasoningTokens = reasoning;
  return withTotal(usage, num(raw.total_tokens));
}

interface CallState {
  index: number;
  /** Arguments text already emitted. */
  emitted: number;
  complete: boolean;
}

interface MessageState {
  text: number;
  reasoning: number;
  usage: Partial<Usage> | undefined;
}

/**
 * Turns a run's LangChain messages into deltas, whether they come as chunks (each one new text) or whole (the
 * message so far, again and again): per message id it remembers how much text, reasoning and call arguments were
 * emitted, so that nothing is emitted twice. Call indexes and usage span the whole run (an agent's several AI
 * messages are one answer; usage is their sum).
 */
export class LangChainMessageReader {
  private readonly messages = new Map<string, MessageState>();
  private readonly calls = new Map<string, CallState>();
  private callCount = 0;
  private anonymous = 0;

  /** A chunk: its content is new text. Returns false when the value is not a message at all. */
  readChunk(value: unknown, batch: DeltaBatch): boolean {
    const message = unwrapMessage(value);
    if (!message) return false;
    if (message.kind === 'tool') this.readToolMessage(message.fields, batch);
    if (message.kind !== 'ai') return true;
    const { fields } = message;
    const key = str(fields.id) ?? 'anonymous';
    const state = this.state(key);
    const { text, reasoning } = readContent(fields);
    batch.appendReasoning(reasoning);
    batch.appendText(text);
    state.text += text.length;
    state.reasoning += reasoning.length;
    const chunks = Array.isArray(fields.tool_call_chunks) ? fields.tool_call_chunks : [];
    // A chunk that carries its calls whole (`tool_calls` and no `tool_call_chunks`, as a model that does not stream
    // arguments gives them) completes them at once; beside chunks, `tool_calls` is only their partial parse.
    if (chunks.length === 0) this.readParsedCalls(key, fields, batch);
    chunks.forEach((raw, position) => {
      if (!isObject(raw)) return;
      const call = this.call(key, num(raw.index) ?? position, str(raw.id));
      const args = str(raw.args) ?? '';
      call.emitted += args.length;
      batch.toolCall(callDelta(call.index, raw, args));
    });
    // Chunks' usage adds up (AIMessageChunk.concat sums it): Anthropic reports input and output in separate chunks.
    const usage = readUsage(fields);
    if (usage) state.usage = addUsage(state.usage, usage);
    this.finishMessage(key, fields, batch, usage !== undefined);
    return true;
  }

  /** A message as it now is (LangGraph `values`, `updates`, `messages/partial`): only what is new is emitted. False when not a message. */
  readWhole(value: unknown, batch: DeltaBatch, fallbackKey?: string): boolean {
    const message = unwrapMessage(value);
    if (!message) return false;
    if (message.kind === 'tool') this.readToolMessage(message.fields, batch);
    if (message.kind !== 'ai') return true;
    const { fields } = message;
    const key = str(fields.id) ?? fallbackKey ?? `anonymous-${this.anonymous++}`;
    const state = this.state(key);
    const { text, reasoning } = readContent(fields);
    if (reasoning.length > state.reasoning) batch.appendReasoning(reasoning.slice(state.reasoning));
    if (text.length > state.text) batch.appendText(text.slice(state.text));
    state.reasoning = Math.max(state.reasoning, reasoning.length);
    state.text = Math.max(state.text, text.length);

    const chunks = Array.isArray(fields.tool_call_chunks) ? fields.tool_call_chunks : [];
    chunks.forEach((raw, position) => {
      if (!isObject(raw)) return;
      const call = this.call(key, num(raw.index) ?? position, str(raw.id));
      const args = str(raw.args) ?? '';
      const fresh = args.length > call.emitted ? args.slice(call.emitted) : '';
      call.emitted = Math.max(call.emitted, args.length);
      batch.toolCall(callDelta(call.index, raw, fresh));
    });
    this.readParsedCalls(key, fields, batch);
    const usage = readUsage(fields);
    if (usage) state.usage = usage;
    this.finishMessage(key, fields, batch, usage !== undefined);
    return true;
  }

  /** Parsed calls (`tool_calls`) are final; their arguments are used only when none were streamed for that call. */
  private readParsedCalls(key: string, fields: Json, batch: DeltaBatch): void {
    const toolCalls = Array.isArray(fields.tool_calls) ? fields.tool_calls : [];
    toolCalls.forEach((raw, position) => {
      if (!isObject(raw)) return;
      const call = this.call(key, position, str(raw.id));
      if (call.complete) return;
      call.complete = true;
      const args = call.emitted === 0 ? JSON.stringify(raw.args ?? {}) : '';
      call.emitted += args.length;
      batch.toolCall({ ...callDelta(call.index, raw, args), complete: true });
    });
  }

  private finishMessage(key: string, fields: Json, batch: DeltaBatch, usageChanged: boolean): void {
    const finish = readFinishReason(fields);
    if (finish) {
      batch.tail.finishReason = finish;
      for (const [callKey, call] of this.calls) {
        if (callKey.startsWith(`${key}\u0000`) && !call.complete) {
          call.complete = true;
          batch.toolCall({ index: call.index, complete: true });
        }
      }
    }
    if (usageChanged) batch.tail.usage = this.totalUsage();
  }

  /** A server-run tool's result (ToolMessage) goes onto the call it answers. */
  private readToolMessage(fields: Json, batch: DeltaBatch): void {
    const callId = str(fields.tool_call_id);
    if (!callId) return;
    const call = this.calls.get(`id\u0000${callId}`);
    if (call) batch.toolCall({ index: call.index, output: fields.content });
  }

  private state(key: string): MessageState {
    let state = this.messages.get(key);
    if (!state) {
      state = { text: 0, reasoning: 0, usage: undefined };
      this.messages.set(key, state);
    }
    return state;
  }

  /** A call is found by its id when it has one (chunks after the first often carry none), else by message + index. */
  private call(messageKey: string, index: number, id: string | undefined): CallState {
    const positional = `${messageKey}\u0000${index}`;
    let call = this.calls.get(positional) ?? (id ? this.calls.get(`id\u0000${id}`) : undefined);
    if (!call) {
      call = { index: this.callCount++, emitted: 0, complete: false };
      this.calls.set(positional, call);
    }
    if (id) this.calls.set(`id\u0000${id}`, call);
    return call;
  }

  private totalUsage(): Partial<Usage> {
    let total: Partial<Usage> | undefined;
    for (const state of this.messages.values()) if (state.usage) total = addUsage(total, state.usage);
    return total ?? {};
  }
}

/** A call's delta from a LangChain tool call or tool-call chunk: its id and name when given, and new argument text. */
function callDelta(index: number, raw: Json, argumentsDelta: string): ToolCallDelta {
  return {
    index,
    ...(str(raw.id) ? { id: str(raw.id) } : {}),
    ...(str(raw.name) ? { name: str(raw.name) } : {}),
    ...(argumentsDelta ? { argumentsDelta } : {}),
  };
}

function addUsage(a: Partial<Usage> | undefined, b: Partial<Usage>): Partial<Usage> {
  if (!a) return { ...b };
  const out: Partial<Usage> = { ...a };
  for (const key of ['inputTokens', 'outputTokens', 'totalTokens', 'reasoningTokens', 'cachedInputTokens'] as const) {
    const value = b[key];
    if (value !== undefined) out[key] = (out[key] ?? 0) + value;
  }
  return out;
}
