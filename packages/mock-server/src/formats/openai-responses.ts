import type { MockAnswer } from '../answer';
import { openAIErrorJson } from './openai-chat';
import type { FormatContext, ProviderFormat, WireEvent } from './types';

// OpenAI Responses streaming: named SSE events whose data repeats the name in `type` and carries a
// `sequence_number`. response.created / in_progress, then per output item: output_item.added, its parts and
// deltas (reasoning summary, output_text, function_call_arguments), the *.done events, output_item.done; and
// response.completed (or response.incomplete on a token limit) with the final response and usage. No [DONE].

function* responsesEvents(a: MockAnswer, ctx: FormatContext): Iterable<WireEvent> {
  let sequence = 0;
  const ev = (type: string, fields: object, token = false): WireEvent => ({
    event: type,
    data: JSON.stringify({ type, sequence_number: sequence++, ...fields }),
    token,
  });
  const responseObject = (status: string, output: object[], usage: object | null) => ({
    id: `resp_${ctx.streamId}`,
    object: 'response',
    created_at: ctx.created,
    status,
    error: null,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: null,
    max_output_tokens: null,
    model: ctx.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: true,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage,
    metadata: {},
  });

  yield ev('response.created', { response: responseObject('in_progress', [], null) });
  yield ev('response.in_progress', { response: responseObject('in_progress', [], null) });

  const output: object[] = [];
  let outputIndex = 0;
  if (a.reasoningTokens.length > 0) {
    const itemId = `rs_${ctx.streamId}`;
    const base = { item_id: itemId, output_index: outputIndex, summary_index: 0 };
    yield ev('response.output_item.added', { output_index: outputIndex, item: { id: itemId, type: 'reasoning', summary: [] } });
    yield ev('response.reasoning_summary_part.added', { ...base, part: { type: 'summary_text', text: '' } });
    for (const r of a.reasoningTokens) yield ev('response.reasoning_summary_text.delta', { ...base, delta: r }, true);
    yield ev('response.reasoning_summary_text.done', { ...base, text: a.reasoning });
    yield ev('response.reasoning_summary_part.done', { ...base, part: { type: 'summary_text', text: a.reasoning } });
    const item = { id: itemId, type: 'reasoning', summary: [{ type: 'summary_text', text: a.reasoning }] };
    yield ev('response.output_item.done', { output_index: outputIndex, item });
    output.push(item);
    outputIndex++;
  }
  if (a.textTokens.length > 0) {
    const itemId = `msg_${ctx.streamId}`;
    const base = { item_id: itemId, output_index: outputIndex, content_index: 0 };
    yield ev('response.output_item.added', {
      output_index: outputIndex,
      item: { id: itemId, type: 'message', status: 'in_progress', role: 'assistant', content: [] },
    });
    yield ev('response.content_part.added', { ...base, part: { type: 'output_text', text: '', annotations: [] } });
    for (const t of a.textTokens) yield ev('response.output_text.delta', { ...base, delta: t, logprobs: [] }, true);
    yield ev('response.output_text.done', { ...base, text: a.text, logprobs: [] });
    const part = { type: 'output_text', text: a.text, annotations: [] };
    yield ev('response.content_part.done', { ...base, part });
    const item = { id: itemId, type: 'message', status: 'completed', role: 'assistant', content: [part] };
    yield ev('response.output_item.done', { output_index: outputIndex, item });
    output.push(item);
    outputIndex++;
  }
  for (const call of a.toolCalls) {
    const itemId = `fc_${call.id.slice('call_'.length)}`;
    const item = { id: itemId, type: 'function_call', status: 'in_progress', arguments: '', call_id: call.id, name: call.name };
    yield ev('response.output_item.added', { output_index: outputIndex, item });
    for (const f of call.fragments) {
      yield ev('response.function_call_arguments.delta', { item_id: itemId, output_index: outputIndex, delta: f }, true);
    }
    yield ev('response.function_call_arguments.done', { item_id: itemId, output_index: outputIndex, arguments: call.arguments });
    const done = { ...item, status: 'completed', arguments: call.arguments };
    yield ev('response.output_item.done', { output_index: outputIndex, item: done });
    output.push(done);
    outputIndex++;
  }
  const u = a.usage;
  const usage = {
    input_tokens: u.inputTokens,
    input_tokens_details: { cached_tokens: u.cachedInputTokens ?? 0 },
    output_tokens: u.outputTokens,
    output_tokens_details: { reasoning_tokens: u.reasoningTokens ?? 0 },
    total_tokens: u.totalTokens,
  };
  const status = a.finishReason === 'length' ? 'incomplete' : 'completed';
  yield ev(`response.${status}`, { response: responseObject(status, output, usage) });
}

export const openAIResponsesFormat: ProviderFormat = {
  name: 'openai-responses',
  framing: 'sse',
  contentType: 'text/event-stream; charset=utf-8',
  defaultModel: 'gpt-4o-mini',
  events: responsesEvents,
  inbandError: () => ({
    event: 'error',
    data: JSON.stringify({
      type: 'error',
      code: 'server_error',
      message: 'The server had an error while processing your request. Sorry about that!',
      param: null,
      sequence_number: 0,
    }),
  }),
  stopped: (_ctx, stop) => ({ event: 'error', data: JSON.stringify({ type: 'error', code: stop.code, message: stop.message, param: null }) }),
  malformed: (ctx) => ({
    event: 'response.output_text.delta',
    data: `{"type":"response.output_text.delta","item_id":"msg_${ctx.streamId}","output_index":0,"delta":"cut of`,
  }),
  errorBody: (status, message) => ({ contentType: 'application/json', body: openAIErrorJson(status, message) }),
};
