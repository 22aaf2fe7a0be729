import type { Delta, ProviderAdapter, RawEvent, ToolCallDelta, Usage } from '../types';
import { applyJsonPatch } from './json-patch';
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
} from './shared';

// AG-UI, written from the `@ag-ui/core` event types (1.0) and the protocol docs: one JSON event per SSE `data:`
// line or NDJSON line, `type` in upper snake case. Earlier releases named reasoning THINKING_*; both are read.

/** Event types and the string fields each must carry (so that the recognizer claims no look-alike). */
const EVENTS: Record<string, readonly string[]> = {
  RUN_STARTED: ['threadId', 'runId'],
  RUN_FINISHED: ['threadId', 'runId'],
  RUN_ERROR: ['message'],
  STEP_STARTED: ['stepName'],
  STEP_FINISHED: ['stepName'],
  TEXT_MESSAGE_START: ['messageId'],
  TEXT_MESSAGE_CONTENT: ['messageId', 'delta'],
  TEXT_MESSAGE_END: ['messageId'],
  TEXT_MESSAGE_CHUNK: [],
  TOOL_CALL_START: ['toolCallId', 'toolCallName'],
  TOOL_CALL_ARGS: ['toolCallId', 'delta'],
  TOOL_CALL_END: ['toolCallId'],
  TOOL_CALL_CHUNK: [],
  TOOL_CALL_RESULT: ['toolCallId'],
  REASONING_START: [],
  REASONING_MESSAGE_START: [],
  REASONING_MESSAGE_CONTENT: ['delta'],
  REASONING_MESSAGE_END: [],
  REASONING_MESSAGE_CHUNK: [],
  REASONING_END: [],
  REASONING_ENCRYPTED_VALUE: [],
  THINKING_START: [],
  THINKING_END: [],
  THINKING_TEXT_MESSAGE_START: [],
  THINKING_TEXT_MESSAGE_CONTENT: ['delta'],
  THINKING_TEXT_MESSAGE_END: [],
  STATE_SNAPSHOT: [],
  STATE_DELTA: [],
  MESSAGES_SNAPSHOT: [],
  ACTIVITY_SNAPSHOT: [],
  ACTIVITY_DELTA: [],
  SUBAGENT_STARTED: [],
  SUBAGENT_FINISHED: [],
  SUBAGENT_ERROR: [],
  RAW: [],
  CUSTOM: ['name'],
};

function isAGUIObject(json: unknown): json is Json & { type: string } {
  if (!isObject(json) || typeof json.type !== 'string') return false;
  const required = EVENTS[json.type];
  return required !== undefined && required.every((field) => typeof json[field] === 'string');
}

/** True for an AG-UI event (a known upper-case `type` with the fields that type requires). */
export const isAGUIEvent: ProtocolRecognizer = (_event, json) => isAGUIObject(json);

const USAGE_FIELDS = ['inputTokens', 'outputTokens', 'totalTokens', 'reasoningTokens', 'cachedInputTokens'] as const;

/**
 * AG-UI events -> deltas. Choices, documented here because the protocol leaves them to the consumer:
 * - Only the parent agent's answer is the stream's answer: events carrying `subagentRunId` are skipped, and so
 *   is text of a message whose role is not `assistant` (a TEXT_MESSAGE_START may announce a user or system echo).
 * - TOOL_CALL_RESULT sets the call's `output` to the result's `content` as sent (a string, or content parts).
 * - RUN_FINISHED ends the stream: `tool_calls` when the run left tool calls unanswered (its `pendingToolCallIds`,
 *   else the calls without a TOOL_CALL_RESULT), an interrupt or cancelled outcome by its name, else `stop`;
 *   `usage` entries are summed.
 * - STATE_SNAPSHOT / STATE_DELTA give the whole state after each (patches applied here); CUSTOM events and the
 *   last MESSAGES_SNAPSHOT are kept as data parts; RAW and activity events carry nothing the snapshot shows.
 */
export function createAGUIAdapter(): ProviderAdapter {
  const check = createProtocolCheck('ag-ui', isAGUIEvent);
  const callIndexes = new Map<string, number>();
  const answered = new Set<string>();
  const skippedMessages = new Set<string>();
  let lastChunkCall: string | undefined;
  let runId: string | undefined;
  let state: unknown;

  function call(id: string, name?: string): ToolCallDelta {
    const known = callIndexes.get(id);
    if (known !== undefined) return { index: known };
    const index = callIndexes.size;
    callIndexes.set(id, index);
    return name ? { index, id, name } : { index, id };
  }

  function messageText(event: Json, field: 'text' | 'reasoning'): Delta | null {
    const messageId = str(event.messageId);
    if (messageId && skippedMessages.has(messageId)) return null;
    const delta = str(event.delta);
    return delta ? { [field]: delta } : null;
  }

  function toolCallChunk(event: Json): Delta[] {
    const id = str(event.toolCallId) ?? lastChunkCall;
    if (!id) return [];
    const out: Delta[] = [];
    // A chunk naming another call ends the previous chunked one.
    if (lastChunkCall && lastChunkCall !== id) out.push({ toolCall: { ...call(lastChunkCall), complete: true } });
    lastChunkCall = id;
    const head = call(id, str(event.toolCallName));
    const args = str(event.delta);
    if (args) head.argumentsDelta = args;
    out.push({ toolCall: head });
    return out;
  }

  function finishReason(event: Json): string {
    const outcome = isObject(event.outcome) ? event.outcome : {};
    const kind = str(outcome.type);
    if (kind === 'interrupt' || kind === 'cancelled') return kind;
    const pending = Array.isArray(outcome.pendingToolCallIds) ? outcome.pendingToolCallIds : [];
    if (pending.length > 0) return 'tool_calls';
    for (const id of callIndexes.keys()) if (!answered.has(id)) return 'tool_calls';
    return 'stop';
  }

  function parseEvent(event: Json & { type: string }): Delta | Delta[] | null {
    if (event.subagentRunId !== undefined && event.subagentRunId !== null) return null;
    switch (event.type) {
      case 'RUN_STARTED': {
        const id = str(event.runId);
        if (!id || runId !== undefined) return null;
        runId = id;
        return { id };
      }
      case 'TEXT_MESSAGE_START':
      case 'TEXT_MESSAGE_CHUNK': {
        const role = str(event.role);
        const messageId = str(event.messageId);
        if (role && role !== 'assistant' && messageId) skippedMessages.add(messageId);
        return event.type === 'TEXT_MESSAGE_CHUNK' && (!role || role === 'assistant') ? messageText(event, 'text') : null;
      }
      case 'TEXT_MESSAGE_CONTENT':
        return messageText(event, 'text');
      case 'REASONING_MESSAGE_CONTENT':
      case 'REASONING_MESSAGE_CHUNK':
      case 'THINKING_TEXT_MESSAGE_CONTENT':
        return messageText(event, 'reasoning');
      case 'TOOL_CALL_START':
        return { toolCall: call(String(event.toolCallId), str(event.toolCallName)) };
      case 'TOOL_CALL_ARGS': {
        const args = str(event.delta);
        return args ? { toolCall: { ...call(String(event.toolCallId)), argumentsDelta: args } } : null;
      }
      case 'TOOL_CALL_END':
        if (lastChunkCall === event.toolCallId) lastChunkCall = undefined;
        return { toolCall: { ...call(String(event.toolCallId)), complete: true } };
      case 'TOOL_CALL_CHUNK':
        return toolCallChunk(event);
      case 'TOOL_CALL_RESULT': {
        const id = String(event.toolCallId);
        answered.add(id);
        return { toolCall: { ...call(id), complete: true, output: event.content } };
      }
      case 'STATE_SNAPSHOT':
        state = event.snapshot;
        return { state };
      case 'STATE_DELTA':
        // A run without a snapshot starts from an empty state, as RunAgentInput's `state` defaults to {}.
        state = applyJsonPatch(state ?? {}, event.delta);
        return { state };
      case 'MESSAGES_SNAPSHOT':
        return { data: { type: 'MESSAGES_SNAPSHOT', id: 'messages', data: event.messages } };
      case 'CUSTOM':
        return { data: { type: 'CUSTOM', data: { name: event.name, value: event.value } } };
      case 'RUN_FINISHED': {
        const done: Delta = { finishReason: finishReason(event), done: true };
        const usage = summedUsage(event.usage);
        if (usage) done.usage = usage;
        return done;
      }
      case 'RUN_ERROR': {
        const error = errorDelta(str(event.message) || 'The agent run failed', str(event.code));
        const usage = summedUsage(event.usage);
        return usage ? [{ usage }, error] : error;
      }
      default:
        // Steps, reasoning boundaries, encrypted reasoning, activity, RAW, subagent lifecycle, later types.
        return null;
    }
  }

  return {
    name: 'ag-ui',
    parse(event: RawEvent): Delta | Delta[] | null {
      if (isBlank(event.data)) return null;
      const payload = parseJsonPayload(event.data, 'ag-ui', event.event);
      check(event, payload);
      return isObject(payload) && typeof payload.type === 'string'
        ? parseEvent(payload as Json & { type: string })
        : null;
    },
  };
}

/** AG-UI reports usage as a list (one entry per model call): the stream's usage is their sum. */
function summedUsage(raw: unknown): Partial<Usage> | undefined {
  if (!Array.isArray(raw)) return undefined;
  const usage: Partial<Usage> = {};
  for (const entry of raw) {
    if (!isObject(entry)) continue;
    for (const field of USAGE_FIELDS) {
      let value = num(entry[field]);
      // An entry without its own total counts input + output, so that the sum covers every entry.
      if (field === 'totalTokens' && value === undefined) {
        const input = num(entry.inputTokens);
        const output = num(entry.outputTokens);
        if (input !== undefined || output !== undefined) value = (input ?? 0) + (output ?? 0);
      }
      if (value !== undefined) usage[field] = (usage[field] ?? 0) + value;
    }
  }
  return Object.keys(usage).length > 0 ? usage : undefined;
}

/** `@tokenstream/core/providers/ag-ui`: `createStream({ url, provider: agUi() })`. */
export default createAGUIAdapter;
