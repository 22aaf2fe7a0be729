import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockStreamServer } from '@tokenstream/mock-server';
import { createChat } from '../../src/chat/chat';
import { prepareAnthropicBody, prepareGeminiBody, prepareOpenAIChatBody } from '../../src/chat/bodies';
import type { ChatOptions } from '../../src/types';

// The mock server writes each provider's wire format on its own and reads our request bodies with its own
// parser: a tool round trip through it checks the chat's bodies and the core's adapters against an
// independent implementation.

let server: { url: string; close(): Promise<void> };
beforeAll(async () => {
  server = await createMockStreamServer().listen(0);
});
afterAll(() => server.close());

const formats: Array<[string, string, ChatOptions['provider'], NonNullable<ChatOptions['prepareBody']>]> = [
  ['OpenAI Chat', '/v1/chat/completions', 'openai', prepareOpenAIChatBody],
  ['Anthropic', '/v1/messages', 'anthropic', prepareAnthropicBody],
  ['Gemini', '/v1beta/models/gemini-test:streamGenerateContent?alt=sse', 'gemini', prepareGeminiBody],
];

describe('createChat against the mock server', () => {
  it.each(formats)('%s: calls the tool named in the prompt, then answers', async (_name, path, provider, prepareBody) => {
    const inputs: unknown[] = [];
    const chat = createChat({
      url: `${server.url}${path}`,
      provider,
      prepareBody,
      model: 'mock-model',
      throttle: 0,
      tools: {
        get_weather: {
          description: 'Current weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          execute: (input) => {
            inputs.push(input);
            return { tempC: 18 };
          },
        },
      },
    });
    const final = await chat.send('Use get_weather for Paris, please.');
    expect(final.error).toBeNull();
    expect(final.status).toBe('done');
    expect(final.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(final.messages[1].finishReason).toBe('tool_calls');
    expect(inputs).toHaveLength(1);
    expect(inputs[0]).toMatchObject({ city: expect.any(String) });
    expect(final.messages[3].text.length).toBeGreaterThan(0);
    expect(final.messages[3].toolCalls).toEqual([]);
    expect(final.usage?.totalTokens).toBeGreaterThan(0);
  });
});
