import { describe, expect, it } from 'vitest';
import { StreamError } from '../../src/errors';
import { createOpenAIChatAdapter } from '../../src/providers';
import { ev, joined, parseAll, toolDeltas } from './helpers';

const chunk = (delta: object, extra: object = {}, finish: string | null = null) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  model: 'gpt-4o',
  choices: [{ index: 0, delta, finish_reason: finish }],
  ...extra,
});

describe('openai chat adapter', () => {
  it('maps [DONE] to the terminal signal and ignores blank keep-alives', () => {
    const a = createOpenAIChatAdapter();
    expect(parseAll(a, ev('[DONE]'))).toEqual([{ done: true }]);
    expect(parseAll(a, ev(''), ev('  '))).toEqual([]);
  });

  it('completes at a clean end after a finish_reason (relays that drop [DONE]), applying a usage chunk after it', () => {
    const a = createOpenAIChatAdapter();
    parseAll(a, ev(chunk({ content: 'Hi' })));
    expect(a.end?.()).toBeNull();
    parseAll(a, ev(chunk({}, {}, 'stop')));
    expect(parseAll(a, ev({ ...chunk({}), choices: [], usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } }))).toEqual([
      { usage: { inputTokens: 3, outputTokens: 1, totalTokens: 4 } },
    ]);
    expect(a.end?.()).toEqual({ done: true });
  });

  it("reads vLLM's in-band error object as an error, not as a foreign stream", () => {
    const vllm = { object: 'error', message: 'This model\'s maximum context length is 4096 tokens.', type: 'BadRequestError', param: null, code: 400 };
    expect(parseAll(createOpenAIChatAdapter(), ev(vllm))).toEqual([
      { error: { message: "This model's maximum context length is 4096 tokens.", code: '400' }, finishReason: 'error', done: true },
    ]);
  });

  it('refuses hand-written {content} chunks as a first event instead of ending done with empty text', () => {
    expect(() => createOpenAIChatAdapter().parse(ev({ content: 'Hello' }))).toThrow(
      expect.objectContaining({ kind: 'parse', code: 'wrong_protocol' }),
    );
  });

  it('emits model and id once, and nothing else for a role-only first chunk', () => {
    const a = createOpenAIChatAdapter();
    expect(parseAll(a, ev(chunk({ role: 'assistant', content: '' })))).toEqual([{ model: 'gpt-4o', id: 'chatcmpl-1' }]);
    expect(parseAll(a, ev(chunk({ content: 'Hi' })))).toEqual([{ text: 'Hi' }]);
  });

  it('skips an Azure first chunk with empty choices and empty id/model', () => {
    const a = createOpenAIChatAdapter();
    const azure = { choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: [{ prompt_index: 0 }] };
    expect(parseAll(a, ev(azure))).toEqual([]);
  });

  it('throws a parse StreamError naming the provider, with the start of the body', () => {
    const a = createOpenAIChatAdapter();
    const bad = `{"choices":[${'x'.repeat(500)}`;
    let caught: unknown;
    try {
      a.parse(ev(bad));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StreamError);
    expect((caught as StreamError).kind).toBe('parse');
    expect((caught as StreamError).message).toMatch(/^openai: invalid JSON/);
    expect((caught as StreamError).body).toBe(bad.slice(0, 200));
  });

  it('turns in-band errors into a terminal error delta (object with code or type, or a bare string)', () => {
    expect(parseAll(createOpenAIChatAdapter(), ev({ error: { message: 'boom', type: 'server_error', code: null } }))).toEqual([
      { error: { message: 'boom', code: 'server_error' }, finishReason: 'error', done: true },
    ]);
    expect(parseAll(createOpenAIChatAdapter(), ev({ error: { message: 'slow down', code: 429 } }))[0].error).toEqual({
      message: 'slow down',
      code: '429',
    });
    expect(parseAll(createOpenAIChatAdapter(), ev({ error: 'bad gateway' }))[0]).toEqual({
      error: { message: 'bad gateway' },
      finishReason: 'error',
      done: true,
    });
  });

  it('reads OpenRouter `reasoning` (a real captured chunk) and DeepSeek `reasoning_content`, never twice', () => {
    const openrouter =
      '{"id":"gen-1738800351-03h6DftoW7wSTm6uSXb7","provider":"DeepInfra","model":"deepseek/deepseek-r1","object":"chat.completion.chunk","created":1738800351,"choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning":"ABC"},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}';
    expect(parseAll(createOpenAIChatAdapter(), ev(openrouter))).toEqual([
      { model: 'deepseek/deepseek-r1', id: 'gen-1738800351-03h6DftoW7wSTm6uSXb7', reasoning: 'ABC' },
    ]);
    const a = createOpenAIChatAdapter();
    const both = parseAll(a, ev(chunk({ reasoning_content: 'think', reasoning: 'think' })));
    expect(joined(both)).toEqual({ text: '', reasoning: 'think' });
  });

  it('keeps several tool calls of one chunk apart and completes them at finish', () => {
    const a = createOpenAIChatAdapter();
    const calls = parseAll(
      a,
      ev(chunk({ tool_calls: [
        { index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '{"x"' } },
        { index: 1, id: 'call_b', type: 'function', function: { name: 'g', arguments: '' } },
      ] })),
      ev(chunk({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }, { index: 1, function: { arguments: '{}' } }] })),
      ev(chunk({}, {}, 'tool_calls')),
    );
    expect(toolDeltas(calls)).toEqual([
      { index: 0, id: 'call_a', name: 'f', argumentsDelta: '{"x"' },
      { index: 1, id: 'call_b', name: 'g' },
      { index: 0, argumentsDelta: ':1}' },
      { index: 1, argumentsDelta: '{}' },
      { index: 0, complete: true },
      { index: 1, complete: true },
    ]);
    expect(calls[calls.length - 1]).toEqual({ finishReason: 'tool_calls' });
  });

  it("reports tool_calls when a compatible server ends a tool-calling turn with 'stop'", () => {
    const a = createOpenAIChatAdapter();
    parseAll(a, ev(chunk({ tool_calls: [{ index: 0, id: 'c', function: { name: 'f', arguments: '{}' } }] })));
    expect(parseAll(a, ev(chunk({}, {}, 'stop'))).at(-1)).toEqual({ finishReason: 'tool_calls' });
  });

  it('maps the legacy function_call to call index 0', () => {
    const a = createOpenAIChatAdapter();
    const out = parseAll(a, ev(chunk({ function_call: { name: 'f', arguments: '{' } })), ev(chunk({}, {}, 'function_call')));
    expect(toolDeltas(out)).toEqual([{ index: 0, name: 'f', argumentsDelta: '{' }, { index: 0, complete: true }]);
    expect(out.at(-1)?.finishReason).toBe('tool_calls');
  });

  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['content_filter', 'content_filter'],
    ['insufficient_system_resource', 'insufficient_system_resource'],
  ])('maps finish_reason %s to %s', (raw, mapped) => {
    expect(parseAll(createOpenAIChatAdapter(), ev(chunk({}, {}, raw))).at(-1)?.finishReason).toBe(mapped);
  });

  it('normalizes usage: cached share from prompt_tokens_details or prompt_cache_hit_tokens, total fallback', () => {
    const a = createOpenAIChatAdapter();
    const openai = { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, prompt_tokens_details: { cached_tokens: 64 }, completion_tokens_details: { reasoning_tokens: 8 } };
    expect(parseAll(a, ev({ ...chunk({}), choices: [], usage: openai }))[0].usage).toEqual({
      inputTokens: 100, outputTokens: 20, totalTokens: 120, cachedInputTokens: 64, reasoningTokens: 8,
    });
    const deepseek = { prompt_tokens: 50, completion_tokens: 5, prompt_cache_hit_tokens: 40, prompt_cache_miss_tokens: 10 };
    expect(parseAll(createOpenAIChatAdapter(), ev({ choices: [], usage: deepseek }))[0].usage).toEqual({
      inputTokens: 50, outputTokens: 5, totalTokens: 55, cachedInputTokens: 40,
    });
    expect(parseAll(createOpenAIChatAdapter(), ev({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 4 } }))[0].usage).toEqual({
      inputTokens: 3, outputTokens: 4, totalTokens: 7,
    });
  });

  it('shows a refusal as text and reads Mistral content parts (text and thinking)', () => {
    const a = createOpenAIChatAdapter();
    expect(joined(parseAll(a, ev(chunk({ refusal: "I can't help with that." }))))).toEqual({ text: "I can't help with that.", reasoning: '' });
    const mistral = chunk({ content: [{ type: 'thinking', thinking: [{ type: 'text', text: '1.' }], closed: true }, { type: 'text', text: '3' }] });
    expect(joined(parseAll(a, ev(mistral)))).toEqual({ text: '3', reasoning: '1.' });
  });

  it('follows choice 0 only', () => {
    const a = createOpenAIChatAdapter();
    const other = { choices: [{ index: 1, delta: { content: 'other answer' }, finish_reason: null }] };
    expect(parseAll(a, ev(other))).toEqual([]);
  });
});
