import type { MockAnswer } from '../answer';
import type { FormatContext, ProviderFormat, WireEvent } from './types';

// Anthropic Messages streaming: named events whose data repeats the name in `type`. message_start (a Message
// with empty content and the input usage), per content block content_block_start / *_delta / content_block_stop
// (thinking blocks end with a signature_delta; tool_use blocks stream input_json_delta), one `ping` after the
// first block starts, message_delta with stop_reason and the cumulative output_tokens, message_stop.
// input_tokens excludes cached tokens: those are reported as cache_read_input_tokens.

const STOP_REASON = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use' } as const;

function anthropicErrorType(status: number): string {
  if (status === 400) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 529) return 'overloaded_error';
  return 'api_error';
}

function* anthropicEvents(a: MockAnswer, ctx: FormatContext): Iterable<WireEvent> {
  const ev = (type: string, fields: object, token = false): WireEvent => ({
    event: type,
    data: JSON.stringify({ type, ...fields }),
    token,
  });
  const cached = a.usage.cachedInputTokens ?? 0;
  yield ev('message_start', {
    message: {
      id: `msg_${ctx.streamId}`,
      type: 'message',
      role: 'assistant',
      model: ctx.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        input_tokens: a.usage.inputTokens - cached,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: cached,
        output_tokens: 1,
      },
    },
  });
  let index = 0;
  let pinged = false;
  function* start(block: object): Iterable<WireEvent> {
    yield ev('content_block_start', { index, content_block: block });
    if (!pinged) {
      pinged = true;
      yield ev('ping', {});
    }
  }
  if (a.reasoningTokens.length > 0) {
    yield* start({ type: 'thinking', thinking: '', signature: '' });
    for (const r of a.reasoningTokens) yield ev('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: r } }, true);
    const signature = btoa(`mock-signature:${ctx.streamId}`);
    yield ev('content_block_delta', { index, delta: { type: 'signature_delta', signature } });
    yield ev('content_block_stop', { index });
    index++;
  }
  if (a.textTokens.length > 0) {
    yield* start({ type: 'text', text: '' });
    for (const t of a.textTokens) yield ev('content_block_delta', { index, delta: { type: 'text_delta', text: t } }, true);
    yield ev('content_block_stop', { index });
    index++;
  }
  for (const call of a.toolCalls) {
    const id = `toolu_${call.id.slice('call_'.length)}`;
    yield* start({ type: 'tool_use', id, name: call.name, input: {} });
    yield ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: '' } });
    for (const f of call.fragments) yield ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: f } }, true);
    yield ev('content_block_stop', { index });
    index++;
  }
  yield ev('message_delta', {
    delta: { stop_reason: STOP_REASON[a.finishReason], stop_sequence: null },
    usage: { output_tokens: a.usage.outputTokens },
  });
  yield ev('message_stop', {});
}

function anthropicErrorJson(status: number, message: string): string {
  return JSON.stringify({ type: 'error', error: { type: anthropicErrorType(status), message } });
}

export const anthropicFormat: ProviderFormat = {
  name: 'anthropic',
  framing: 'sse',
  contentType: 'text/event-stream; charset=utf-8',
  defaultModel: 'claude-sonnet-4-5',
  events: anthropicEvents,
  inbandError: () => ({ event: 'error', data: anthropicErrorJson(529, 'Overloaded') }),
  // The relay's shape: Anthropic's error event (a type and a message) with the relay's extra `code`.
  stopped: (_ctx, stop) => ({ event: 'error',
    data: JSON.stringify({ type: 'error', error: { type: 'api_error', message: stop.message, code: stop.code } }) }),
  malformed: () => ({
    event: 'content_block_delta',
    data: '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"cut of',
  }),
  errorBody: (status, message) => ({ contentType: 'application/json', body: anthropicErrorJson(status, message) }),
};
