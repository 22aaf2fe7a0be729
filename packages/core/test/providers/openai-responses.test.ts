import { describe, expect, it } from 'vitest';
import { StreamError } from '../../src/errors';
import { createOpenAIResponsesAdapter } from '../../src/providers';
import { ev, joined, parseAll, toolDeltas } from './helpers';

const e = (type: string, fields: object = {}) => ev({ type, ...fields }, type);
const fnItem = (id: string, callId: string, name: string, args = '') => ({ id, type: 'function_call', call_id: callId, name, arguments: args });

describe('openai responses adapter', () => {
  it('takes id and model from response.created and text from output_text deltas', () => {
    const a = createOpenAIResponsesAdapter();
    const out = parseAll(
      a,
      e('response.created', { response: { id: 'resp_1', model: 'gpt-5', status: 'in_progress' } }),
      e('response.in_progress', { response: { id: 'resp_1', model: 'gpt-5' } }),
      e('response.output_text.delta', { item_id: 'msg_1', output_index: 0, delta: 'Hel' }),
      e('response.output_text.delta', { item_id: 'msg_1', output_index: 0, delta: 'lo' }),
      e('response.output_text.done', { text: 'Hello' }),
    );
    expect(out).toEqual([{ model: 'gpt-5', id: 'resp_1' }, { text: 'Hel' }, { text: 'lo' }]);
  });

  it('reads reasoning summary and raw reasoning text deltas as reasoning, refusals as text', () => {
    const out = parseAll(
      createOpenAIResponsesAdapter(),
      e('response.reasoning_summary_text.delta', { delta: '**Plan**' }),
      e('response.reasoning_summary_text.done', { text: '**Plan**' }),
      e('response.reasoning_text.delta', { delta: ' raw' }),
      e('response.refusal.delta', { delta: 'No.' }),
    );
    expect(joined(out)).toEqual({ text: 'No.', reasoning: '**Plan** raw' });
  });

  it('numbers function calls in order, uses call_id as the id, and addresses them by item id or output_index', () => {
    const a = createOpenAIResponsesAdapter();
    const out = parseAll(
      a,
      e('response.output_item.added', { output_index: 0, item: { id: 'rs_1', type: 'reasoning', summary: [] } }),
      e('response.output_item.added', { output_index: 1, item: fnItem('fc_a', 'call_A', 'f') }),
      e('response.output_item.added', { output_index: 2, item: fnItem('fc_b', 'call_B', 'g') }),
      e('response.function_call_arguments.delta', { item_id: 'fc_b', output_index: 2, delta: '{"y":2}' }),
      e('response.function_call_arguments.delta', { output_index: 1, delta: '{"x":' }),
      e('response.function_call_arguments.delta', { item_id: 'fc_a', output_index: 1, delta: '1}' }),
      e('response.function_call_arguments.done', { item_id: 'fc_a', output_index: 1, arguments: '{"x":1}' }),
      e('response.output_item.done', { output_index: 1, item: { ...fnItem('fc_a', 'call_A', 'f', '{"x":1}'), status: 'completed' } }),
      e('response.output_item.done', { output_index: 2, item: { ...fnItem('fc_b', 'call_B', 'g', '{"y":2}'), status: 'completed' } }),
    );
    expect(toolDeltas(out)).toEqual([
      { index: 0, id: 'call_A', name: 'f' },
      { index: 1, id: 'call_B', name: 'g' },
      { index: 1, argumentsDelta: '{"y":2}' },
      { index: 0, argumentsDelta: '{"x":' },
      { index: 0, argumentsDelta: '1}' },
      { index: 0, complete: true },
      { index: 0, id: 'call_A', name: 'f' },
      { index: 1, id: 'call_B', name: 'g' },
      { index: 1, complete: true },
    ]);
  });

  it('delivers arguments that only arrive with .done (nothing streamed before)', () => {
    const a = createOpenAIResponsesAdapter();
    const out = parseAll(
      a,
      e('response.output_item.added', { output_index: 0, item: fnItem('fc_1', 'call_1', 'f') }),
      e('response.function_call_arguments.done', { item_id: 'fc_1', output_index: 0, arguments: '{"q":"x"}' }),
    );
    expect(toolDeltas(out)).toEqual([{ index: 0, id: 'call_1', name: 'f' }, { index: 0, complete: true, argumentsDelta: '{"q":"x"}' }]);
  });

  it('ends with stop, or tool_calls when the response called functions, with normalized usage', () => {
    const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 4 }, output_tokens: 6, output_tokens_details: { reasoning_tokens: 2 }, total_tokens: 16 };
    expect(parseAll(createOpenAIResponsesAdapter(), e('response.completed', { response: { id: 'r', model: 'm', usage, output: [] } }))).toEqual([
      { model: 'm', id: 'r', usage: { inputTokens: 10, outputTokens: 6, totalTokens: 16, cachedInputTokens: 4, reasoningTokens: 2 }, finishReason: 'stop', done: true },
    ]);
    const withCall = { output: [{ type: 'function_call', call_id: 'c' }] };
    expect(parseAll(createOpenAIResponsesAdapter(), e('response.completed', { response: withCall })).at(-1)?.finishReason).toBe('tool_calls');
  });

  it.each([
    ['max_output_tokens', 'length'],
    ['content_filter', 'content_filter'],
    ['something_new', 'something_new'],
  ])('maps response.incomplete reason %s to %s', (reason, mapped) => {
    const out = parseAll(createOpenAIResponsesAdapter(), e('response.incomplete', { response: { incomplete_details: { reason } } }));
    expect(out.at(-1)).toMatchObject({ finishReason: mapped, done: true });
  });

  it('turns response.failed and the error event into terminal error deltas', () => {
    const failed = e('response.failed', { response: { id: 'r', error: { code: 'server_error', message: 'oops' } } });
    expect(parseAll(createOpenAIResponsesAdapter(), failed)).toEqual([{
      id: 'r', error: { message: 'oops', code: 'server_error' }, finishReason: 'error', done: true,
    }]);
    const error = e('error', { code: 'rate_limit_exceeded', message: 'slow down', param: null, sequence_number: 3 });
    expect(parseAll(createOpenAIResponsesAdapter(), error)).toEqual([
      { error: { message: 'slow down', code: 'rate_limit_exceeded' }, finishReason: 'error', done: true },
    ]);
  });

  it('ignores event types it does not model, and unknown new ones', () => {
    const a = createOpenAIResponsesAdapter();
    expect(parseAll(a, e('response.content_part.added', { part: {} }), e('response.web_search_call.searching'), e('response.future_event'))).toEqual([]);
  });

  it('throws a parse StreamError for malformed JSON', () => {
    expect(() => createOpenAIResponsesAdapter().parse(ev('{"type":"response.output_text.delta","delta":', 'response.output_text.delta'))).toThrow(StreamError);
  });
});
