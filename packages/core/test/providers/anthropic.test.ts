import { describe, expect, it } from 'vitest';
import { StreamError } from '../../src/errors';
import { createAnthropicAdapter } from '../../src/providers';
import { ev, joined, parseAll, toolDeltas } from './helpers';

const e = (type: string, fields: object = {}) => ev({ type, ...fields }, type);
const start = (usage: object) => e('message_start', { message: { id: 'msg_1', model: 'claude-x', content: [], usage } });

describe('anthropic adapter', () => {
  it('counts cache reads and writes into inputTokens and joins input (start) with output (delta)', () => {
    const a = createAnthropicAdapter();
    const first = parseAll(a, start({ input_tokens: 10, cache_read_input_tokens: 100, cache_creation_input_tokens: 5, output_tokens: 1 }));
    expect(first).toEqual([{ model: 'claude-x', id: 'msg_1', usage: { inputTokens: 115, cachedInputTokens: 100, outputTokens: 1, totalTokens: 116 } }]);
    const last = parseAll(a, e('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 42 } }));
    expect(last).toEqual([{ finishReason: 'stop', usage: { inputTokens: 115, cachedInputTokens: 100, outputTokens: 42, totalTokens: 157 } }]);
    expect(parseAll(a, e('message_stop'))).toEqual([{ done: true }]);
  });

  it('reads text and thinking deltas and ignores signature deltas and ping', () => {
    const a = createAnthropicAdapter();
    const out = parseAll(
      a,
      e('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '' } }),
      e('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } }),
      e('content_block_delta', { index: 0, delta: { type: 'signature_delta', signature: 'EqQB' } }),
      e('content_block_stop', { index: 0 }),
      e('ping'),
      e('content_block_start', { index: 1, content_block: { type: 'text', text: '' } }),
      e('content_block_delta', { index: 1, delta: { type: 'text_delta', text: 'Hi' } }),
    );
    expect(out).toEqual([{ reasoning: 'hmm' }, { text: 'Hi' }]);
  });

  it('streams tool_use input_json_delta fragments and completes the call at content_block_stop', () => {
    const a = createAnthropicAdapter();
    const out = parseAll(
      a,
      e('content_block_start', { index: 0, content_block: { type: 'text', text: 'Let me look.' } }),
      e('content_block_start', { index: 1, content_block: { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} } }),
      e('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '' } }),
      e('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{"city": "Paris"}' } }),
      e('content_block_stop', { index: 1 }),
    );
    expect(joined(out).text).toBe('Let me look.');
    expect(toolDeltas(out)).toEqual([
      { index: 0, id: 'toolu_1', name: 'get_weather' },
      { index: 0, argumentsDelta: '{"city": "Paris"}' },
      { index: 0, complete: true },
    ]);
  });

  it('gives a tool without parameters the arguments of its start block', () => {
    const a = createAnthropicAdapter();
    const out = parseAll(
      a,
      e('content_block_start', { index: 0, content_block: { type: 'tool_use', id: 'toolu_2', name: 'now', input: {} } }),
      e('content_block_stop', { index: 0 }),
    );
    expect(toolDeltas(out)).toEqual([{ index: 0, id: 'toolu_2', name: 'now' }, { index: 0, complete: true, argumentsDelta: '{}' }]);
  });

  it('does not treat server tools (web search) as client tool calls', () => {
    const a = createAnthropicAdapter();
    const out = parseAll(
      a,
      e('content_block_start', { index: 0, content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} } }),
      e('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: '{"query":"x"}' } }),
      e('content_block_stop', { index: 0 }),
      e('content_block_start', { index: 1, content_block: { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] } }),
    );
    expect(out).toEqual([]);
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'pause_turn'],
  ])('maps stop_reason %s to %s', (reason, mapped) => {
    expect(parseAll(createAnthropicAdapter(), e('message_delta', { delta: { stop_reason: reason } }))[0].finishReason).toBe(mapped);
  });

  it('turns the error event into a terminal error delta', () => {
    const out = parseAll(createAnthropicAdapter(), ev('{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}', 'error'));
    expect(out).toEqual([{ error: { message: 'Overloaded', code: 'overloaded_error' }, finishReason: 'error', done: true }]);
  });

  it("takes a relay's extra error.code over the type (a stop in another tab is 'cancelled'); a non-string code is ignored", () => {
    const relayed = { type: 'error', error: { type: 'api_error', message: 'The stream was cancelled', code: 'cancelled' } };
    expect(parseAll(createAnthropicAdapter(), ev(JSON.stringify(relayed), 'error'))).toEqual([
      { error: { message: 'The stream was cancelled', code: 'cancelled' }, finishReason: 'error', done: true },
    ]);
    const odd = { type: 'error', error: { type: 'api_error', message: 'x', code: 42 } };
    expect(parseAll(createAnthropicAdapter(), ev(JSON.stringify(odd), 'error'))[0].error).toEqual({ message: 'x', code: 'api_error' });
  });

  it('ignores unknown event and block types', () => {
    const a = createAnthropicAdapter();
    parseAll(a, e('ping'));
    expect(parseAll(a, e('message_future'), e('content_block_start', { index: 0, content_block: { type: 'fallback' } }))).toEqual([]);
  });

  it('throws a parse StreamError naming the event for malformed JSON', () => {
    expect(() => createAnthropicAdapter().parse(ev('{"type":"content_block_delta"', 'content_block_delta'))).toThrow(
      /anthropic: invalid JSON in event "content_block_delta"/,
    );
    try {
      createAnthropicAdapter().parse(ev('nope', 'message_start'));
    } catch (error) {
      expect(error).toBeInstanceOf(StreamError);
      expect((error as StreamError).kind).toBe('parse');
    }
  });
});
