import { StreamError } from '../errors';
import type { DataPart, Delta, ProviderAdapter, RawEvent, ToolCallDelta, Usage } from '../types';
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
  tryParseJson,
  isDoneMarker,
} from './shared';

// Vercel AI SDK, written from the `ai` package's `uiMessageChunkSchema` (UI message stream v1, ai@5/6: SSE
// `data: {json}` chunks, then `data: [DONE]`) and from the AI SDK 4 stream protocol docs (the data stream: one
// `CODE:JSON` line each, text/plain with `x-vercel-ai-data-stream: v1`). One adapter reads both; the first event
// says which.

/** AI SDK finish reasons -> API.md names; `other`, `unknown` and future ones are kept raw. */
const FINISH_REASONS: Record<string, string> = {
  stop: 'stop',
  length: 'length',
  'content-filter': 'content_filter',
  'tool-calls': 'tool_calls',
  error: 'error',
};

/**
 * The UI message chunk types and the string fields each must carry. Checking the fields keeps the recognizer off
 * look-alikes: Anthropic's `{"type":"error","error":{...}}`, the AI SDK 4 `fullStream` `{"type":"text-delta",
 * "textDelta"}`, hand-written `{type, content}` backends.
 */
const UI_CHUNKS: Record<string, readonly string[]> = {
  start: [],
  'start-step': [],
  'finish-step': [],
  finish: [],
  abort: [],
  'message-metadata': [],
  'text-start': ['id'],
  'text-delta': ['id', 'delta'],
  'text-end': ['id'],
  'reasoning-start': ['id'],
  'reasoning-delta': ['id', 'delta'],
  'reasoning-end': ['id'],
  'tool-input-start': ['toolCallId', 'toolName'],
  'tool-input-delta': ['toolCallId', 'inputTextDelta'],
  'tool-input-available': ['toolCallId', 'toolName'],
  'tool-input-error': ['toolCallId', 'toolName', 'errorText'],
  'tool-output-available': ['toolCallId'],
  'tool-output-error': ['toolCallId', 'errorText'],
  'tool-output-denied': ['toolCallId'],
  'tool-approval-request': ['approvalId', 'toolCallId'],
  'source-url': ['sourceId', 'url'],
  'source-document': ['sourceId', 'mediaType', 'title'],
  file: ['url', 'mediaType'],
  error: ['errorText'],
};

/**
 * Keys a lifecycle chunk (start, finish, steps, abort) may carry: a chunk with others, such as a hand-written
 * `{"type":"start","content":"..."}`, is somebody else's.
 */
const LIFECYCLE_KEYS = new Set(['type', 'messageId', 'messageMetadata', 'finishReason', 'reason', 'usage', 'providerMetadata']);

function isUIChunk(json: unknown): json is Json & { type: string } {
  if (!isObject(json) || typeof json.type !== 'string') return false;
  const type = json.type;
  if (type.startsWith('data-')) return type.length > 5 && 'data' in json;
  const required = UI_CHUNKS[type];
  if (!required) return false;
  if (required.length === 0) return Object.keys(json).every((key) => LIFECYCLE_KEYS.has(key));
  return required.every((field) => typeof json[field] === 'string');
}

/** `CODE:JSON`, the data stream's line shape; codes 0-9 and a-k (AI SDK 3.x/4.x). */
const DATA_STREAM_LINE = /^([0-9a-k]):/;

function isDataStreamLine(line: string): boolean {
  const match = DATA_STREAM_LINE.exec(line);
  return match !== null && tryParseJson(line.slice(2)) !== undefined;
}

/** True for a UI message chunk or a data stream line (the first line when several came in one piece). */
export const isAISDKEvent: ProtocolRecognizer = (event, json) => {
  if (isUIChunk(json)) return true;
  const firstLine = event.data.trimStart().split('\n', 1)[0] ?? '';
  return isDataStreamLine(firstLine.trimEnd());
};

/** A data stream line longer than this without its newline is an overflow, not something to buffer forever. */
const MAX_PENDING_LINE_CHARS = 8 * 1024 * 1024;

/** Tool call ids -> indexes in order of first appearance, and whether arguments were streamed. */
class ToolCallIndex {
  private readonly calls = new Map<string, { index: number; streamed: boolean }>();

  /** The call's delta head; a call seen first is named (id, and name when given). */
  open(id: string, name?: string): ToolCallDelta {
    const known = this.calls.get(id);
    if (known) return { index: known.index };
    const index = this.calls.size;
    this.calls.set(id, { index, streamed: false });
    return name ? { index, id, name } : { index, id };
  }

  arguments(id: string, argumentsDelta: string): ToolCallDelta {
    const call = this.open(id);
    this.calls.get(id)!.streamed = true;
    return { ...call, argumentsDelta };
  }

  /** Completes a call given whole; its arguments are sent only when no deltas came. */
  complete(id: string, name: string | undefined, input: unknown): ToolCallDelta {
    const call = this.open(id, name);
    const state = this.calls.get(id)!;
    if (!state.streamed && input !== undefined) {
      // An input that failed to parse (tool-input-error) is the raw text the model wrote.
      call.argumentsDelta = typeof input === 'string' ? input : JSON.stringify(input);
      state.streamed = true;
    }
    call.complete = true;
    return call;
  }

  output(id: string, output: unknown): ToolCallDelta {
    return { ...this.open(id), output };
  }
}

/**
 * The AI SDK adapter: UI message stream (`toUIMessageStreamResponse`, `createUIMessageStreamResponse`) or the
 * AI SDK 4 data stream (`toDataStreamResponse`).
 *
 * Mapping choices: `data-*` parts (transient ones too), sources and files are kept as data parts (`source-url` /
 * `source-document` keyed by their sourceId); a tool error (`tool-input-error`, `tool-output-error`) becomes the
 * call's output `{ error: errorText }`; `abort` ends the stream `done` with finishReason 'abort' (the server stopped
 * on purpose: the text so far is the answer, but not a complete one); a `finish` without a reason is 'stop'.
 */
export function createAISDKAdapter(): ProviderAdapter {
  const check = createProtocolCheck('ai-sdk', isAISDKEvent);
  const calls = new ToolCallIndex();
  let mode: 'ui' | 'data-stream' | null = null;
  let finished = false;
  let pending = '';

  function parseUIChunk(chunk: Json & { type: string }): Delta | null {
    const type = chunk.type;
    if (type.startsWith('data-')) return { data: dataPart(type, chunk.id, chunk.data) };
    switch (type) {
      case 'start': {
        const delta: Delta = {};
        const id = str(chunk.messageId);
        if (id) delta.id = id;
        if (chunk.messageMetadata !== undefined) delta.metadata = chunk.messageMetadata;
        return id || 'metadata' in delta ? delta : null;
      }
      case 'text-delta':
        return textOrNull(str(chunk.delta), 'text');
      case 'reasoning-delta':
        return textOrNull(str(chunk.delta), 'reasoning');
      case 'tool-input-start':
        return { toolCall: calls.open(String(chunk.toolCallId), str(chunk.toolName)) };
      case 'tool-input-delta':
        return { toolCall: calls.arguments(String(chunk.toolCallId), String(chunk.inputTextDelta)) };
      case 'tool-input-available':
        return { toolCall: calls.complete(String(chunk.toolCallId), str(chunk.toolName), chunk.input) };
      case 'tool-input-error': {
        const call = calls.complete(String(chunk.toolCallId), str(chunk.toolName), chunk.input);
        return { toolCall: { ...call, output: { error: chunk.errorText } } };
      }
      case 'tool-output-available':
        return { toolCall: calls.output(String(chunk.toolCallId), chunk.output) };
      case 'tool-output-error':
        return { toolCall: calls.output(String(chunk.toolCallId), { error: chunk.errorText }) };
      case 'source-url':
      case 'source-document':
        return { data: dataPart(type, chunk.sourceId, withoutType(chunk)) };
      case 'file':
        return { data: dataPart(type, undefined, withoutType(chunk)) };
      case 'message-metadata':
        return 'messageMetadata' in chunk ? { metadata: chunk.messageMetadata } : null;
      case 'finish': {
        finished = true;
        const reason = str(chunk.finishReason);
        const delta: Delta = { finishReason: reason ? (FINISH_REASONS[reason] ?? reason) : 'stop' };
        if (chunk.messageMetadata !== undefined) delta.metadata = chunk.messageMetadata;
        return delta;
      }
      case 'abort':
        return { finishReason: 'abort', done: true };
      case 'error':
        return errorDelta(String(chunk.errorText));
      default:
        // start-step, finish-step, text/reasoning start and end, approvals, chunk types added later.
        return null;
    }
  }

  function checkPendingSize(): void {
    if (pending.length > MAX_PENDING_LINE_CHARS) {
      throw new StreamError('overflow', 'ai-sdk: a data stream line is larger than the limit', {
        body: pending.slice(0, 200),
      });
    }
  }

  /** One complete data stream line (`CODE:JSON`); unknown codes are skipped. */
  function parseDataStreamLine(line: string): Delta[] {
    const match = DATA_STREAM_LINE.exec(line);
    if (!match) {
      throw new StreamError('parse', 'ai-sdk: a data stream line is not CODE:JSON', { body: line.slice(0, 200) });
    }
    const value = parseJsonPayload(line.slice(2), 'ai-sdk');
    const part = isObject(value) ? value : {};
    switch (match[1]) {
      case '0':
        return listOf(textOrNull(str(value), 'text'));
      case 'g':
        return listOf(textOrNull(str(value), 'reasoning'));
      case '2':
        return arrayItems(value).map((item) => ({ data: { type: 'data', data: item } }));
      case '8':
        return arrayItems(value).map((item) => ({ data: { type: 'message-annotations', data: item } }));
      case 'h':
        return [{ data: dataPart('source', part.id, part) }];
      case 'k':
        return [{ data: dataPart('file', undefined, part) }];
      case 'b':
        return [{ toolCall: calls.open(String(part.toolCallId), str(part.toolName)) }];
      case 'c':
        return [{ toolCall: calls.arguments(String(part.toolCallId), str(part.argsTextDelta) ?? '') }];
      case '9':
        return [{ toolCall: calls.complete(String(part.toolCallId), str(part.toolName), part.args) }];
      case 'a':
        return [{ toolCall: calls.output(String(part.toolCallId), part.result) }];
      case 'f': {
        const id = str(part.messageId);
        return id ? [{ id }] : [];
      }
      case '3':
        return [errorDelta(str(value) ?? 'unknown error')];
      case 'd': {
        const delta: Delta = { done: true };
        const reason = str(part.finishReason);
        if (reason) delta.finishReason = FINISH_REASONS[reason] ?? reason;
        const usage = dataStreamUsage(part.usage);
        if (usage) delta.usage = usage;
        return [delta];
      }
      default:
        // e: (finish step: `d:` repeats the total usage), i:/j: (redacted reasoning, signatures), old codes.
        return [];
    }
  }

  /**
   * The data stream may come as whole lines (NDJSON reading) or as arbitrary pieces of text (a text/plain body):
   * pieces are joined and cut at newlines; a last piece that is already a whole line is not held back.
   */
  function feedDataStream(text: string): Delta[] {
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    if (pending !== '' && isDataStreamLine(pending.trimEnd())) {
      lines.push(pending);
      pending = '';
    }
    checkPendingSize();
    const out: Delta[] = [];
    for (const raw of lines) {
      const line = raw.trim();
      if (line === '') continue;
      for (const delta of parseDataStreamLine(line)) {
        out.push(delta);
        if (delta.done) return out;
      }
    }
    return out;
  }

  return {
    name: 'ai-sdk',
    parse(event: RawEvent): Delta | Delta[] | null {
      if (mode === 'data-stream') return feedDataStream(event.data);
      if (isBlank(event.data)) return null;
      if (mode === 'ui') {
        if (isDoneMarker(event.data)) return { done: true };
        const chunk = parseJsonPayload(event.data, 'ai-sdk', event.event);
        return isObject(chunk) && typeof chunk.type === 'string' ? parseUIChunk(chunk as Json & { type: string }) : null;
      }
      // First meaningful event: which of the two protocols, or neither.
      const json = tryParseJson(event.data);
      if (isUIChunk(json)) {
        check(event, json);
        mode = 'ui';
        return parseUIChunk(json);
      }
      const text = pending + event.data;
      const start = text.trimStart();
      const newline = start.indexOf('\n');
      const firstLine = (newline === -1 ? start : start.slice(0, newline)).trimEnd();
      // A text body read in small pieces: `0` or `0:"Hel` may still become a whole `0:"Hello"` line.
      const unfinished = newline === -1 && /^[0-9a-k](:|$)/.test(start) && !isDataStreamLine(firstLine);
      if (unfinished) {
        pending = text;
        checkPendingSize();
        return null;
      }
      check({ ...event, data: text }, json);
      mode = 'data-stream';
      pending = '';
      return feedDataStream(text);
    },
    end(): Delta | Delta[] | null {
      if (mode === 'data-stream') {
        // A last line without its newline counts when it is whole; a cut one means the body was cut.
        const rest = pending.trim();
        pending = '';
        return isDataStreamLine(rest) ? parseDataStreamLine(rest) : null;
      }
      // `finish` is the UI stream's last chunk; a body that ends cleanly after it (no `[DONE]`) is complete.
      return finished ? { done: true } : null;
    },
  };
}

function textOrNull(text: string | undefined, field: 'text' | 'reasoning'): Delta | null {
  return text ? { [field]: text } : null;
}

function listOf(delta: Delta | null): Delta[] {
  return delta ? [delta] : [];
}

function arrayItems(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function dataPart(type: string, id: unknown, data: unknown): DataPart {
  const part: DataPart = { type, data };
  const key = str(id);
  if (key !== undefined) part.id = key;
  return part;
}

function withoutType(chunk: Json): Json {
  const { type: _type, ...rest } = chunk;
  return rest;
}

/** AI SDK 4 usage (`promptTokens`, `completionTokens`), NaN when the provider reported none. */
function dataStreamUsage(raw: unknown): Partial<Usage> | undefined {
  if (!isObject(raw)) return undefined;
  const usage: Partial<Usage> = {};
  const input = num(raw.promptTokens);
  const output = num(raw.completionTokens);
  if (input !== undefined) usage.inputTokens = input;
  if (output !== undefined) usage.outputTokens = output;
  if (input !== undefined && output !== undefined) usage.totalTokens = input + output;
  return Object.keys(usage).length > 0 ? usage : undefined;
}

/** `@tokenstream/core/providers/ai-sdk`: `createStream({ url, provider: aiSdk() })`. */
export default createAISDKAdapter;
