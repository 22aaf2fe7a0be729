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

const INCOMPLETE_REASONS: Record<string, string> = {
  max_output_tokens: 'length',
  content_filter: 'content_filter',
};

interface FunctionCallState {
  index: number;
  /** Arguments text already emitted, so a `.done` event only adds what was never streamed. */
  emitted: number;
  complete: boolean;
}

/** A Responses stream event (`response.*`, by SSE event name or `type`), or its `{"type":"error","code","message"}`. */
export const isOpenAIResponsesEvent: ProtocolRecognizer = (event, json) => {
  if (event.event.startsWith('response.')) return true;
  if (!isObject(json)) return false;
  const type = str(json.type);
  return (type !== undefined && type.startsWith('response.')) || (type === 'error' && !isObject(json.error));
};

/** OpenAI Responses API (`/v1/responses`, stream: true). Complete on `response.completed` (or failed/incomplete). */
export function createOpenAIResponsesAdapter(): ProviderAdapter {
  const identity = new IdentityTracker();
  const check = createProtocolCheck('openai-responses', isOpenAIResponsesEvent);
  // Function calls are numbered in order of appearance; the wire addresses them by output_index or item_id.
  const callsByOutputIndex = new Map<number, FunctionCallState>();
  const callsByItemId = new Map<string, FunctionCallState>();
  let callCount = 0;

  function register(outputIndex: number | undefined, itemId: string | undefined): FunctionCallState {
    const existing = findCall(outputIndex, itemId);
    if (existing) return existing;
    const state: FunctionCallState = { index: callCount++, emitted: 0, complete: false };
    if (outputIndex !== undefined) callsByOutputIndex.set(outputIndex, state);
    if (itemId) callsByItemId.set(itemId, state);
    return state;
  }

  function findCall(outputIndex: number | undefined, itemId: string | undefined): FunctionCallState | undefined {
    return (itemId ? callsByItemId.get(itemId) : undefined) ??
      (outputIndex !== undefined ? callsByOutputIndex.get(outputIndex) : undefined);
  }

  function addFunctionCallItem(batch: DeltaBatch, item: Json, outputIndex: number | undefined): FunctionCallState {
    const state = register(outputIndex, str(item.id));
    const call: { index: number; id?: string; name?: string; argumentsDelta?: string } = { index: state.index };
    const callId = str(item.call_id);
    if (callId) call.id = callId;
    const name = str(item.name);
    if (name) call.name = name;
    const args = str(item.arguments);
    if (args && args.length > state.emitted) {
      call.argumentsDelta = args.slice(state.emitted);
      state.emitted = args.length;
    }
    batch.toolCall(call);
    return state;
  }

  function completeCall(batch: DeltaBatch, state: FunctionCallState, finalArgs: string | undefined): void {
    if (state.complete) return;
    state.complete = true;
    const call: { index: number; argumentsDelta?: string; complete: true } = { index: state.index, complete: true };
    // Arguments delivered only in the final event (no deltas streamed) are still delivered.
    if (finalArgs && state.emitted === 0) {
      call.argumentsDelta = finalArgs;
      state.emitted = finalArgs.length;
    }
    batch.toolCall(call);
  }

  return {
    name: 'openai-responses',
    parse(event: RawEvent): Delta | Delta[] | null {
      if (isBlank(event.data) || isDoneMarker(event.data)) return [];
      const json = readEventJson(event, 'openai-responses');
      check(event, json);
      const payload = json === undefined ? parseJsonPayload(event.data, 'openai-responses', event.event) : json;
      if (!isObject(payload)) return [];
      const type = str(payload.type) ?? event.event;
      const batch = new DeltaBatch();
      const outputIndex = num(payload.output_index);
      const itemId = str(payload.item_id);

      switch (type) {
        case 'response.created':
        case 'response.in_progress':
        case 'response.queued':
          if (isObject(payload.response)) identity.apply(batch.head, payload.response.model, payload.response.id);
          break;
        case 'response.output_text.delta':
        case 'response.refusal.delta':
          batch.appendText(str(payload.delta));
          break;
        case 'response.reasoning_summary_text.delta':
        case 'response.reasoning_text.delta':
          batch.appendReasoning(str(payload.delta));
          break;
        case 'response.output_item.added':
        case 'response.output_item.done':
          if (isObject(payload.item) && payload.item.type === 'function_call') {
            const state = addFunctionCallItem(batch, payload.item, outputIndex);
            if (type === 'response.output_item.done') completeCall(batch, state, str(payload.item.arguments));
          }
          break;
        case 'response.function_call_arguments.delta': {
          const state = register(outputIndex, itemId);
          const delta = str(payload.delta);
          if (delta) {
            state.emitted += delta.length;
            batch.toolCall({ index: state.index, argumentsDelta: delta });
          }
          break;
        }
        case 'response.function_call_arguments.done':
          completeCall(batch, register(outputIndex, itemId), str(payload.arguments));
          break;
        case 'response.completed':
        case 'response.incomplete':
        case 'response.failed':
          return finishResponse(batch, type, isObject(payload.response) ? payload.response : {});
        case 'error':
          return [errorDelta(str(payload.message) ?? 'unknown error', str(payload.code) ?? str(payload.type))];
        default:
          // Content parts, annotations, hosted tools and new event types carry nothing the snapshot models.
          break;
      }
      return batch.finish();
    },
  };

  function finishResponse(batch: DeltaBatch, type: string, response: Json): Delta | Delta[] | null {
    identity.apply(batch.head, response.model, response.id);
    if (isObject(response.usage)) batch.tail.usage = normalizeResponsesUsage(response.usage);
    if (type === 'response.failed') {
      const error = isObject(response.error) ? response.error : {};
      Object.assign(batch.tail, errorDelta(str(error.message) ?? 'response failed', str(error.code)));
      return batch.finish();
    }
    if (type === 'response.incomplete') {
      const details = isObject(response.incomplete_details) ? response.incomplete_details : {};
      const reason = str(details.reason) ?? 'incomplete';
      batch.tail.finishReason = INCOMPLETE_REASONS[reason] ?? reason;
    } else {
      const output = Array.isArray(response.output) ? response.output : [];
      const calledTools = callCount > 0 || output.some((item) => isObject(item) && item.type === 'function_call');
      batch.tail.finishReason = calledTools ? 'tool_calls' : 'stop';
    }
    batch.tail.done = true;
    return batch.finish();
  }
}

export function normalizeResponsesUsage(raw: Json): Partial<Usage> {
  const usage: Partial<Usage> = {};
  const input = num(raw.input_tokens);
  const output = num(raw.output_tokens);
  if (input !== undefined) usage.inputTokens = input;
  if (output !== undefined) usage.outputTokens = output;
  const inputDetails = isObject(raw.input_tokens_details) ? raw.input_tokens_details : {};
  const cached = num(inputDetails.cached_tokens);
  if (cached !== undefined) usage.cachedInputTokens = cached;
  const outputDetails = isObject(raw.output_tokens_details) ? raw.output_tokens_details : {};
  const reasoning = num(outputDetails.reasoning_tokens);
  if (reasoning !== undefined) usage.reasoningTokens = reasoning;
  return withTotal(usage, num(raw.total_tokens));
}

/** `@tokenstream/core/providers/openai-responses`: `createStream({ url, provider: openaiResponses() })`. */
export default createOpenAIResponsesAdapter;
