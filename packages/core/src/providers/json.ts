import type { Delta, ProviderAdapter, RawEvent, Usage } from '../types';
import {
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

// The fields hand-written backends put their text in, most common first
// (`res.write(`data: ${JSON.stringify({ content })}\n\n`)` and its cousins).
const TEXT_FIELDS = ['content', 'text', 'delta', 'token', 'response'] as const;

const FINISH_REASONS: Record<string, string> = {
  stop: 'stop',
  end_turn: 'stop',
  STOP: 'stop',
  length: 'length',
  max_tokens: 'length',
  MAX_TOKENS: 'length',
  tool_calls: 'tool_calls',
  'tool-calls': 'tool_calls',
  tool_use: 'tool_calls',
  content_filter: 'content_filter',
  'content-filter': 'content_filter',
};

function textOf(chunk: Json): string | undefined {
  for (const field of TEXT_FIELDS) {
    const value = chunk[field];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

function isTerminal(chunk: Json): boolean {
  return chunk.done === true || chunk.type === 'done';
}

function errorMessage(error: unknown): string | undefined {
  if (typeof error === 'string') return error;
  if (isObject(error)) return str(error.message) ?? JSON.stringify(error);
  return undefined;
}

/**
 * A hand-written chunk: an object with a string text field, a terminal (`[DONE]`, `{"done": true}`,
 * `{"type": "done"}`) or an error (`{"error": "..."}` / `{"error": {"message"}}`). Arbitrary JSON without one of
 * these fields is not claimed, nor are provider chunks (OpenAI's `choices`, Gemini's `candidates`: their own
 * adapters read them; this one would show nothing of them).
 */
export const isJsonChunkEvent: ProtocolRecognizer = (event, json) => {
  if (isDoneMarker(event.data)) return true;
  if (isPlainTextEvent(event, json)) return true;
  if (!isObject(json)) return false;
  if ('choices' in json || 'candidates' in json) return false;
  if (event.event === 'error' && typeof json.message === 'string') return true;
  return textOf(json) !== undefined || isTerminal(json) || errorMessage(json.error) !== undefined;
};

/**
 * The other tutorial route: `res.write(`data: ${token}\n\n`)`, each token as plain SSE data (or a JSON string).
 * Data that starts like JSON but does not parse is not text: it is a broken chunk (an invalid-JSON error).
 */
function isPlainTextEvent(event: RawEvent, json: unknown): boolean {
  if (event.event !== 'message') return false;
  if (typeof json === 'string') return true;
  return json === undefined && !/^\s*[{[]/.test(event.data);
}

/**
 * Hand-written backends (an Express or Next.js route relaying a model's tokens): each SSE event or NDJSON line is
 * plain text (or a JSON string), or `{content|text|delta|token|response: "..."}` (optionally `reasoning`, `finish_reason`/`finishReason`, `usage`),
 * ending with `[DONE]`, `{"done": true}` or `{"type": "done"}`; errors are `{"error": "..."}`,
 * `{"error": {"message"}}` or an `event: error` with `{"message"}`.
 */
export function createJsonAdapter(): ProviderAdapter {
  const check = createProtocolCheck('json', isJsonChunkEvent);

  return {
    name: 'json',
    parse(event: RawEvent): Delta | null {
      if (isBlank(event.data)) return null;
      const json = readEventJson(event, 'json');
      check(event, json);
      if (isDoneMarker(event.data)) return { done: true };
      if (json === undefined && event.event === 'error') return errorDelta(event.data.trim().slice(0, 1000));
      if (isPlainTextEvent(event, json)) return { text: typeof json === 'string' ? json : event.data };
      const chunk = json === undefined ? parseJsonPayload(event.data, 'json', event.event) : json;
      if (!isObject(chunk)) return null;
      // `event: error` + `{"message"}` is how many routes report a failure mid-stream.
      const message = errorMessage(chunk.error) ?? (event.event === 'error' ? (str(chunk.message) ?? event.data) : undefined);
      if (message !== undefined) {
        const code = isObject(chunk.error) ? (str(chunk.error.code) ?? num(chunk.error.code)?.toString()) : undefined;
        return errorDelta(message, code);
      }
      const delta: Delta = {};
      const text = textOf(chunk);
      if (text) delta.text = text;
      const reasoning = str(chunk.reasoning);
      if (reasoning) delta.reasoning = reasoning;
      const finish = str(chunk.finish_reason) ?? str(chunk.finishReason);
      if (finish) delta.finishReason = FINISH_REASONS[finish] ?? finish;
      if (isObject(chunk.usage)) {
        const usage = readUsage(chunk.usage);
        if (Object.keys(usage).length > 0) delta.usage = usage;
      }
      if (isTerminal(chunk)) delta.done = true;
      return Object.keys(delta).length > 0 ? delta : null;
    },
    // A hand-written backend often sends no terminal signal at all and just ends the response: with this protocol a
    // clean end of body is the end of the answer. (A cut in the middle of an event is still a drop: the engine
    // calls end() only on a clean end.)
    end(): Delta {
      return { done: true };
    },
  };
}

/** OpenAI-style (`prompt_tokens`), Anthropic/LangChain-style (`input_tokens`) or camelCase counts. */
function readUsage(raw: Json): Partial<Usage> {
  const usage: Partial<Usage> = {};
  const input = num(raw.prompt_tokens) ?? num(raw.input_tokens) ?? num(raw.inputTokens) ?? num(raw.promptTokens);
  const output =
    num(raw.completion_tokens) ?? num(raw.output_tokens) ?? num(raw.outputTokens) ?? num(raw.completionTokens);
  if (input !== undefined) usage.inputTokens = input;
  if (output !== undefined) usage.outputTokens = output;
  return withTotal(usage, num(raw.total_tokens) ?? num(raw.totalTokens));
}

/** `@tokenstream/core/providers/json`: `createStream({ url, provider: json() })`. */
export default createJsonAdapter;
