import { describe, expect, it } from 'vitest';
import { mockAnswer } from '../src/index';

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' }, metric: { type: 'boolean' } } },
  },
};

describe('mockAnswer', () => {
  it('is a pure function of the body and options', () => {
    const body = { messages: [{ role: 'user', content: 'Tell me about streams' }] };
    expect(mockAnswer(body)).toEqual(mockAnswer(structuredClone(body)));
    expect(mockAnswer(body, { seed: 1 }).text).not.toBe(mockAnswer(body, { seed: 2 }).text);
    expect(mockAnswer(body).text).not.toBe(mockAnswer({ messages: [{ role: 'user', content: 'other' }] }).text);
  });

  it('makes `length` text tokens that join into the text, with non-ASCII in every answer', () => {
    const a = mockAnswer({ messages: [{ role: 'user', content: 'hello world' }] }, { length: 120 });
    expect(a.textTokens).toHaveLength(120);
    expect(a.textTokens.join('')).toBe(a.text);
    expect(a.text.startsWith('Réponse 🚀 — “hello world”.')).toBe(true);
    for (const needle of ['é', '—', '🚀']) expect(a.text).toContain(needle);
    expect(a.finishReason).toBe('stop');
    expect(a.usage).toEqual({ inputTokens: 2, outputTokens: 120, totalTokens: 122 });
  });

  it('reads the body mock field, with explicit options winning', () => {
    const body = { prompt: 'hi', mock: { length: 7, seed: 3 } };
    expect(mockAnswer(body).textTokens).toHaveLength(7);
    expect(mockAnswer(body, { length: 9 }).textTokens).toHaveLength(9);
  });

  it('reads prompts in every provider shape', () => {
    const expectEcho = (body: unknown, words: string) => expect(mockAnswer(body, { length: 12 }).text).toContain(`“${words}”`);
    expectEcho({ messages: [{ role: 'user', content: [{ type: 'text', text: 'anthropic blocks' }] }] }, 'anthropic blocks');
    expectEcho({ input: 'responses string' }, 'responses string');
    expectEcho({ input: [{ role: 'user', content: [{ type: 'input_text', text: 'responses items' }] }] }, 'responses items');
    expectEcho({ contents: [{ role: 'user', parts: [{ text: 'gemini parts' }] }] }, 'gemini parts');
    expectEcho({ prompt: 'ollama generate' }, 'ollama generate');
    expectEcho('a bare string', 'a bare string');
  });

  it('counts input tokens over every message and the system prompt', () => {
    const a = mockAnswer({ system: 'be brief', messages: [{ role: 'user', content: 'one two three' }, { role: 'assistant', content: 'four' }, { role: 'user', content: 'five six' }] });
    expect(a.usage.inputTokens).toBe(8);
  });

  it('caps the text at the request max tokens with finishReason length', () => {
    const a = mockAnswer({ max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }, { length: 50 });
    expect(a.textTokens).toHaveLength(5);
    expect(a.finishReason).toBe('length');
    expect(mockAnswer({ generationConfig: { maxOutputTokens: 3 }, contents: [{ parts: [{ text: 'x' }] }] }).finishReason).toBe('length');
  });

  it('adds reasoning when asked by scenario or by the request, and counts it in output tokens', () => {
    const plain = { messages: [{ role: 'user', content: 'think' }] };
    expect(mockAnswer(plain).reasoning).toBe('');
    const a = mockAnswer(plain, { reasoning: 6, length: 10 });
    expect(a.reasoningTokens).toHaveLength(6);
    expect(a.reasoning).toBe(a.reasoningTokens.join(''));
    expect(a.usage).toMatchObject({ outputTokens: 16, reasoningTokens: 6 });
    expect(mockAnswer({ ...plain, reasoning_effort: 'low' }).reasoning).not.toBe('');
    expect(mockAnswer({ ...plain, thinking: { type: 'enabled', budget_tokens: 1024 } }).reasoning).not.toBe('');
    expect(mockAnswer({ ...plain, think: true }).reasoning).not.toBe('');
    expect(mockAnswer({ contents: [{ parts: [{ text: 'x' }] }], generationConfig: { thinkingConfig: { includeThoughts: true } } }).reasoning).not.toBe('');
  });

  describe('tool rule', () => {
    it('calls a declared tool named in the prompt, with arguments from its schema', () => {
      const a = mockAnswer({ messages: [{ role: 'user', content: 'Use get_weather for Paris' }], tools: [weatherTool] });
      expect(a.finishReason).toBe('tool_calls');
      expect(a.text).toBe('');
      expect(a.toolCalls).toHaveLength(1);
      const call = a.toolCalls[0];
      expect(call.name).toBe('get_weather');
      expect(call.id).toMatch(/^call_[0-9a-f]{8}$/);
      expect(JSON.parse(call.arguments)).toEqual(call.input);
      expect(call.input).toMatchObject({ city: 'Zürich', metric: true });
      expect(typeof call.input.days).toBe('number');
      expect(call.fragments.join('')).toBe(call.arguments);
      expect(call.fragments.length).toBeGreaterThan(2);
      expect(a.usage.outputTokens).toBe(call.fragments.length);
    });

    it('uses the first tool when the prompt says "tool", none otherwise, none after a tool result', () => {
      const tools = [weatherTool, { type: 'function', function: { name: 'search' } }];
      expect(mockAnswer({ messages: [{ role: 'user', content: 'call a tool please' }], tools }).toolCalls.map((c) => c.name)).toEqual(['get_weather']);
      expect(mockAnswer({ messages: [{ role: 'user', content: 'search and get_weather' }], tools }).toolCalls.map((c) => c.name)).toEqual(['get_weather', 'search']);
      expect(mockAnswer({ messages: [{ role: 'user', content: 'just chat' }], tools }).toolCalls).toEqual([]);
      const afterResult = mockAnswer({
        messages: [
          { role: 'user', content: 'use get_weather' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
        ],
        tools,
      });
      expect(afterResult.toolCalls).toEqual([]);
      expect(afterResult.text.startsWith('Tool result received —')).toBe(true);
    });

    it('honours tools: true / false and reads every provider tool shape', () => {
      const prompt = { messages: [{ role: 'user', content: 'hello' }] };
      expect(mockAnswer({ ...prompt, tools: [weatherTool] }, { tools: true }).toolCalls).toHaveLength(1);
      expect(mockAnswer({ messages: [{ role: 'user', content: 'get_weather' }], tools: [weatherTool] }, { tools: false }).toolCalls).toEqual([]);
      const ask = 'use the tool';
      expect(mockAnswer({ input: ask, tools: [{ type: 'function', name: 'resp_tool', parameters: {} }] }).toolCalls[0].name).toBe('resp_tool');
      expect(mockAnswer({ messages: [{ role: 'user', content: ask }], tools: [{ name: 'claude_tool', input_schema: { type: 'object' } }] }).toolCalls[0].name).toBe('claude_tool');
      expect(
        mockAnswer({ contents: [{ role: 'user', parts: [{ text: ask }] }], tools: [{ functionDeclarations: [{ name: 'gem_tool' }] }] }).toolCalls[0].name,
      ).toBe('gem_tool');
    });
  });
});
