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
} from './shared';

const STOP_REASONS: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

interface ToolBlock {
  index: number;
  streamedArguments: boolean;
  input: unknown;
}

const EVENT_TYPES = new Set([
  'message_start',
  'message_delta',
  'message_stop',
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
  'ping',
]);

/** A Messages stream event, by its SSE event name or its `type`, or Anthropic's `{"type":"error","error":{...}}`. */
export const isAnthropicEvent: ProtocolRecognizer = (event, json) => {
  if (EVENT_TYPES.has(event.event)) return true;
  if (!isObject(json)) return false;
  const type = str(json.type);
  return (type !== undefined && EVENT_TYPES.has(type)) || (type === 'error' && isObject(json.error));
};

/**
 * Anthropic Messages API (`/v1/messages`, stream: true), also as served by Bedrock/Vertex proxies speaking SSE.
 * `message_stop` is its terminal signal; a clean end without it is a drop (no `end()`).
 */
export function createAnthropicAdapter(): ProviderAdapter {
  const identity = new IdentityTracker();
  const check = createProtocolCheck('anthropic', isAnthropicEvent);
  // Content block index -> tool call; only client `tool_use` blocks are tool calls.
  const toolBlocks = new Map<number, ToolBlock>();
  let callCount = 0;
  // Input is reported at message_start, output at message_delta: the adapter joins them.
  let inputTokens: number | undefined;
  let cachedInputTokens: number | undefined;
  let outputTokens: number | undefined;

  function usageDelta(): Partial<Usage> {
    const usage: Partial<Usage> = {};
    if (inputTokens !== undefined) usage.inputTokens = inputTokens;
    if (cachedInputTokens !== undefined) usage.cachedInputTokens = cachedInputTokens;
    if (outputTokens !== undefined) usage.outputTokens = outputTokens;
    if (inputTokens !== undefined && outputTokens !== undefined) usage.totalTokens = inputTokens + outputTokens;
    return usage;
  }

  function readUsage(raw: Json): void {
    const input = num(raw.input_tokens);
    const cacheRead = num(raw.cache_read_input_tokens);
    const cacheWrite = num(raw.cache_creation_input_tokens);
    if (input !== undefined || cacheRead !== undefined || cacheWrite !== undefined) {
      // input_tokens excludes both cache reads and cache writes; every prompt token counts.
      inputTokens = (input ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0);
    }
    if (cacheRead !== undefined) cachedInputTokens = cacheRead;
    const output = num(raw.output_tokens);
    if (output !== undefined) outputTokens = output;
  }

  return {
    name: 'anthropic',
    parse(event: RawEvent): Delta | Delta[] | null {
      if (isBlank(event.data)) return [];
      const json = readEventJson(event, 'anthropic');
      check(event, json);
      const payload = json === undefined ? parseJsonPayload(event.data, 'anthropic', event.event) : json;
      if (!isObject(payload)) return [];
      const type = str(payload.type) ?? event.event;
      const batch = new DeltaBatch();
      const blockIndex = num(payload.index);

      switch (type) {
        case 'message_start': {
          const message = isObject(payload.message) ? payload.message : {};
          identity.apply(batch.head, message.model, message.id);
          if (isObject(message.usage)) {
            readUsage(message.usage);
            batch.tail.usage = usageDelta();
          }
          break;
        }
        case 'content_block_start': {
          const block = isObject(payload.content_block) ? payload.content_block : {};
          if (block.type === 'text') batch.appendText(str(block.text));
          else if (block.type === 'thinking') batch.appendReasoning(str(block.thinking));
          else if (block.type === 'tool_use' && blockIndex !== undefined) {
            const tool: ToolBlock = { index: callCount++, streamedArguments: false, input: block.input };
            toolBlocks.set(blockIndex, tool);
            const call: { index: number; id?: string; name?: string } = { index: tool.index };
            const id = str(block.id);
            if (id) call.id = id;
            const name = str(block.name);
            if (name) call.name = name;
            batch.toolCall(call);
          }
          break;
        }
        case 'content_block_delta': {
          const delta = isObject(payload.delta) ? payload.delta : {};
          if (delta.type === 'text_delta') batch.appendText(str(delta.text));
          else if (delta.type === 'thinking_delta') batch.appendReasoning(str(delta.thinking));
          else if (delta.type === 'input_json_delta' && blockIndex !== undefined) {
            const tool = toolBlocks.get(blockIndex);
            const json = str(delta.partial_json);
            if (tool && json) {
              tool.streamedArguments = true;
              batch.toolCall({ index: tool.index, argumentsDelta: json });
            }
          }
          // signature_delta, citations_delta: nothing the snapshot shows.
          break;
        }
        case 'content_block_stop': {
          const tool = blockIndex !== undefined ? toolBlocks.get(blockIndex) : undefined;
          if (tool) {
            // A tool without parameters streams no input_json_delta: its arguments are the start block's input.
            const argumentsDelta = tool.streamedArguments ? undefined : JSON.stringify(tool.input ?? {});
            batch.toolCall({ index: tool.index, complete: true, ...(argumentsDelta ? { argumentsDelta } : {}) });
          }
          break;
        }
        case 'message_delta': {
          const delta = isObject(payload.delta) ? payload.delta : {};
          const stop = str(delta.stop_reason);
          if (stop) batch.tail.finishReason = STOP_REASONS[stop] ?? stop;
          if (isObject(payload.usage)) {
            readUsage(payload.usage);
            batch.tail.usage = usageDelta();
          }
          break;
        }
        case 'message_stop':
          batch.tail.done = true;
          break;
        case 'error': {
          const error = isObject(payload.error) ? payload.error : {};
          // `code` is a relay's (packages/server) extra field, e.g. 'cancelled'; Anthropic's own events carry a type only.
          return [errorDelta(str(error.message) ?? 'unknown error', str(error.code) ?? str(error.type))];
        }
        default:
          // ping and event types added later carry nothing.
          break;
      }
      return batch.finish();
    },
  };
}

/** `@tokenstream/core/providers/anthropic`: `createStream({ url, provider: anthropic() })`. */
export default createAnthropicAdapter;
