import { createMockStreamServer } from '@tokenstream/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChat } from '../../src/chat/chat';
import {
  prepareAnthropicBody,
  prepareGeminiBody,
  prepareOllamaBody,
  prepareOpenAIChatBody,
  prepareOpenAIResponsesBody,
} from '../../src/chat/bodies';
import type { ChatMessage, ChatOptions, ToolCall } from '../../src/types';

const call = (id: string, name: string, input: object): ToolCall => ({
  id,
  name,
  arguments: JSON.stringify(input),
  input,
  complete: true,
});

const history: ChatMessage[] = [
  { id: 'm0', role: 'system', text: 'You are terse.' },
  { id: 'm1', role: 'user', text: 'Weather in Paris and Oslo?' },
  {
    id: 'm2',
    role: 'assistant',
    text: 'Checking.',
    toolCalls: [call('c1', 'weather', { city: 'Paris' }), call('c2', 'weather', { city: 'Oslo' })],
  },
  { id: 'm3', role: 'tool', text: '{"tempC":18}', toolCallId: 'c1' },
  { id: 'm4', role: 'tool', text: '"unavailable"', toolCallId: 'c2' },
  { id: 'm5', role: 'assistant', text: 'Paris 18°C; Oslo unknown.' },
  { id: 'm6', role: 'assistant', text: '', status: 'aborted' }, // stopped before any output: nothing to send
  { id: 'm7', role: 'user', text: 'Thanks' },
];

const tools = [
  { name: 'weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
  { name: 'now' },
];

describe('prepareOpenAIChatBody', () => {
  it('builds the Chat Completions body', () => {
    expect(prepareOpenAIChatBody(history, { tools, model: 'gpt-4o-mini' })).toEqual({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Weather in Paris and Oslo?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'c2', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: '{"tempC":18}' },
        { role: 'tool', tool_call_id: 'c2', content: '"unavailable"' },
        { role: 'assistant', content: 'Paris 18°C; Oslo unknown.' },
        { role: 'user', content: 'Thanks' },
      ],
      tools: [
        { type: 'function', function: tools[0] },
        { type: 'function', function: { name: 'now' } },
      ],
    });
  });

  it('omits tools when there are none', () => {
    const body = prepareOpenAIChatBody([{ id: 'u', role: 'user', text: 'hi' }], { tools: [], model: 'm' });
    expect(body).not.toHaveProperty('tools');
    expect(JSON.parse(JSON.stringify(body))).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
  });
});

describe('prepareAnthropicBody', () => {
  it('splits out system, uses tool_use / tool_result blocks and merges same-role turns', () => {
    expect(prepareAnthropicBody(history, { tools, model: 'claude-sonnet-4-5', maxTokens: 1024 })).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      stream: true,
      system: 'You are terse.',
      messages: [
        { role: 'user', content: 'Weather in Paris and Oslo?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'c1', name: 'weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'c2', name: 'weather', input: { city: 'Oslo' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'c1', content: '{"tempC":18}' },
            { type: 'tool_result', tool_use_id: 'c2', content: '"unavailable"' },
          ],
        },
        { role: 'assistant', content: 'Paris 18°C; Oslo unknown.' },
        { role: 'user', content: 'Thanks' },
      ],
      tools: [
        { name: 'weather', description: 'Weather by city', input_schema: tools[0].parameters },
        { name: 'now', input_schema: { type: 'object', properties: {} } },
      ],
    });
  });

  it('defaults max_tokens and sends a truncated call’s input as an object', () => {
    const cut: ToolCall = { id: 'c9', name: 'weather', arguments: '{"city":"Par', input: undefined, complete: false };
    const body = prepareAnthropicBody(
      [
        { id: 'u', role: 'user', text: 'go' },
        { id: 'a', role: 'assistant', text: '', toolCalls: [cut], status: 'aborted' },
      ],
      { tools: [] },
    );
    expect(body.max_tokens).toBe(4096);
    expect(body.messages).toEqual([
      { role: 'user', content: 'go' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'c9', name: 'weather', input: {} }] },
    ]);
  });
});

describe('prepareGeminiBody', () => {
  it('uses contents with user/model roles, functionCall/functionResponse parts and systemInstruction', () => {
    expect(prepareGeminiBody(history, { tools, model: 'gemini-2.5-flash' })).toEqual({
      systemInstruction: { parts: [{ text: 'You are terse.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Weather in Paris and Oslo?' }] },
        {
          role: 'model',
          parts: [
            { text: 'Checking.' },
            { functionCall: { name: 'weather', args: { city: 'Paris' } } },
            { functionCall: { name: 'weather', args: { city: 'Oslo' } } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'weather', response: { tempC: 18 } } },
            { functionResponse: { name: 'weather', response: { result: 'unavailable' } } },
          ],
        },
        { role: 'model', parts: [{ text: 'Paris 18°C; Oslo unknown.' }] },
        { role: 'user', parts: [{ text: 'Thanks' }] },
      ],
      tools: [{ functionDeclarations: [tools[0], { name: 'now' }] }],
    });
  });
});

describe('prepareOpenAIResponsesBody', () => {
  it('sends instructions, input items with function_call / function_call_output by call_id, and flat tools', () => {
    expect(prepareOpenAIResponsesBody(history, { tools, model: 'gpt-4.1-mini' })).toEqual({
      model: 'gpt-4.1-mini',
      instructions: 'You are terse.',
      input: [
        { role: 'user', content: 'Weather in Paris and Oslo?' },
        { role: 'assistant', content: 'Checking.' },
        { type: 'function_call', call_id: 'c1', name: 'weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call', call_id: 'c2', name: 'weather', arguments: '{"city":"Oslo"}' },
        { type: 'function_call_output', call_id: 'c1', output: '{"tempC":18}' },
        { type: 'function_call_output', call_id: 'c2', output: '"unavailable"' },
        { role: 'assistant', content: 'Paris 18°C; Oslo unknown.' },
        { role: 'user', content: 'Thanks' },
      ],
      tools: [
        { type: 'function', name: 'weather', description: 'Weather by city', parameters: tools[0].parameters, strict: false },
        { type: 'function', name: 'now', strict: false },
      ],
      stream: true,
    });
  });

  it('a tool-only turn is function_call items alone; no system, no tools: neither key', () => {
    const body = prepareOpenAIResponsesBody(
      [
        { id: 'u', role: 'user', text: 'go' },
        { id: 'a', role: 'assistant', text: '', toolCalls: [call('c1', 'now', {})] },
      ],
      { tools: [], model: 'm' },
    );
    expect(body).toEqual({
      model: 'm',
      input: [
        { role: 'user', content: 'go' },
        { type: 'function_call', call_id: 'c1', name: 'now', arguments: '{}' },
      ],
      stream: true,
    });
  });
});

describe('prepareOllamaBody', () => {
  it('sends tool_calls with object arguments, results as role tool named after their call, and function tools', () => {
    expect(prepareOllamaBody(history, { tools, model: 'llama3.2' })).toEqual({
      model: 'llama3.2',
      stream: true,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Weather in Paris and Oslo?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { function: { name: 'weather', arguments: { city: 'Paris' } } },
            { function: { name: 'weather', arguments: { city: 'Oslo' } } },
          ],
        },
        { role: 'tool', content: '{"tempC":18}', tool_name: 'weather' },
        { role: 'tool', content: '"unavailable"', tool_name: 'weather' },
        { role: 'assistant', content: 'Paris 18°C; Oslo unknown.' },
        { role: 'user', content: 'Thanks' },
      ],
      tools: [
        { type: 'function', function: tools[0] },
        { type: 'function', function: { name: 'now' } },
      ],
    });
  });

  it('a truncated call’s arguments become {}; a result for an unknown call has no tool_name', () => {
    const cut: ToolCall = { id: 'c9', name: 'weather', arguments: '{"city":"Par', input: undefined, complete: false };
    const body = prepareOllamaBody(
      [
        { id: 'u', role: 'user', text: 'go' },
        { id: 'a', role: 'assistant', text: '', toolCalls: [cut], status: 'aborted' },
        { id: 't', role: 'tool', text: 'late', toolCallId: 'other' },
      ],
      { tools: [] },
    );
    expect(body.messages).toEqual([
      { role: 'user', content: 'go' },
      { role: 'assistant', content: '', tool_calls: [{ function: { name: 'weather', arguments: {} } }] },
      { role: 'tool', content: 'late' },
    ]);
    expect(body).not.toHaveProperty('tools');
  });
});

// The mock server reads request bodies with its own parser per format: a full tool round trip through it
// checks these two builders together with the core's Responses and Ollama adapters.
describe('Responses and Ollama bodies against the mock server', () => {
  let server: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    server = await createMockStreamServer().listen(0);
  });
  afterAll(() => server.close());

  const formats: Array<[string, string, ChatOptions['provider'], NonNullable<ChatOptions['prepareBody']>]> = [
    ['Responses', '/v1/responses', 'openai-responses', prepareOpenAIResponsesBody],
    ['Ollama', '/api/chat', 'ollama', prepareOllamaBody],
  ];

  it.each(formats)('%s: the tool is called, its result sent back, and the answer streams', async (_name, path, provider, prepareBody) => {
    const sent: unknown[] = [];
    const chat = createChat({
      url: `${server.url}${path}`,
      provider,
      model: 'mock-model',
      throttle: 0,
      prepareBody: (messages, ctx) => {
        const body = prepareBody(messages, ctx);
        sent.push(body);
        return body;
      },
      tools: {
        get_weather: {
          description: 'Current weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          execute: () => ({ tempC: 18 }),
        },
      },
    });
    const final = await chat.send('Use get_weather for Paris, please.');
    expect(final.error).toBeNull();
    expect(final.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(final.messages[1].toolCalls?.map((c) => c.name)).toEqual(['get_weather']);
    expect(final.messages[3].text.startsWith('Tool result received')).toBe(true);
    expect(sent).toHaveLength(2);
    expect(JSON.stringify(sent[1])).toContain('{\\"tempC\\":18}');
  });
});
