import { describe, expect, it } from 'vitest';
import { prepareAGUIBody, prepareAISDKBody } from '../../src/chat/app-bodies';
import type { ChatMessage, ToolCall } from '../../src/types';

const call = (id: string, name: string, args: string, extra: Partial<ToolCall> = {}): ToolCall => ({
  id,
  name,
  arguments: args,
  input: JSON.parse(args) as unknown,
  complete: true,
  ...extra,
});

const history: ChatMessage[] = [
  { id: 's1', role: 'system', text: 'Be brief.' },
  { id: 'u1', role: 'user', text: 'Weather in Paris?' },
  {
    id: 'a1',
    role: 'assistant',
    text: '',
    reasoning: 'Need the weather.',
    toolCalls: [call('c1', 'weather', '{"city":"Paris"}'), call('c2', 'search', '{"q":"paris"}', { output: { hits: 3 } })],
  },
  { id: 't1', role: 'tool', text: '{"celsius":18}', toolCallId: 'c1', result: { celsius: 18 } },
  { id: 'a2', role: 'assistant', text: '18 °C.' },
];

describe('prepareAISDKBody', () => {
  it('the useChat body: chat id, UI messages with parts, trigger; no messageId on a plain send', () => {
    const body = prepareAISDKBody(history, { tools: [], id: 'chat-9' });
    expect(body).toEqual({
      id: 'chat-9',
      trigger: 'submit-message',
      messages: [
        { id: 's1', role: 'system', parts: [{ type: 'text', text: 'Be brief.', state: 'done' }] },
        { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Weather in Paris?', state: 'done' }] },
        {
          id: 'a1',
          role: 'assistant',
          parts: [
            { type: 'step-start' },
            { type: 'reasoning', text: 'Need the weather.', state: 'done' },
            { type: 'tool-weather', toolCallId: 'c1', state: 'output-available', input: { city: 'Paris' }, output: { celsius: 18 } },
            { type: 'tool-search', toolCallId: 'c2', state: 'output-available', input: { q: 'paris' }, output: { hits: 3 } },
          ],
        },
        { id: 'a2', role: 'assistant', parts: [{ type: 'step-start' }, { type: 'text', text: '18 °C.', state: 'done' }] },
      ],
    });
    expect('messageId' in body).toBe(false);
  });

  it('a call waiting for its result is input-available; a cut call sends what parses', () => {
    const body = prepareAISDKBody(
      [
        { id: 'u', role: 'user', text: 'go' },
        {
          id: 'a',
          role: 'assistant',
          text: 'Calling.',
          toolCalls: [
            call('c1', 'weather', '{"city":"Rome"}'),
            { id: 'c2', name: 'weather', arguments: '{"city":"Ro', input: { city: 'Ro' }, complete: false },
          ],
        },
      ],
      { tools: [], id: 'x' },
    );
    const parts = (body.messages as Array<{ parts: unknown[] }>)[1]!.parts;
    expect(parts).toEqual([
      { type: 'step-start' },
      { type: 'text', text: 'Calling.', state: 'done' },
      { type: 'tool-weather', toolCallId: 'c1', state: 'input-available', input: { city: 'Rome' } },
      { type: 'tool-weather', toolCallId: 'c2', state: 'input-available', input: {} },
    ]);
  });

  it('a tool message restored without `result` gives its parsed text; trigger and messageId can be set', () => {
    const body = prepareAISDKBody(
      [
        { id: 'u', role: 'user', text: 'go' },
        { id: 'a', role: 'assistant', text: '', toolCalls: [call('c1', 'f', '{}')] },
        { id: 't', role: 'tool', text: '{"ok":true}', toolCallId: 'c1' },
      ],
      { tools: [], id: 'x', trigger: 'regenerate-message', messageId: 'a' },
    );
    expect(body.trigger).toBe('regenerate-message');
    expect(body.messageId).toBe('a');
    expect((body.messages as Array<{ parts: unknown[] }>)[1]!.parts[1]).toMatchObject({ output: { ok: true } });
  });

  it('without ctx.id the chat id is the same for every request of the chat', () => {
    const first = prepareAISDKBody(history.slice(0, 2), { tools: [] });
    const later = prepareAISDKBody(history, { tools: [] });
    expect(first.id).toBe(later.id);
    expect(first.id).toEqual(expect.stringMatching(/^chat-/));
  });
});

describe('prepareAGUIBody', () => {
  it('RunAgentInput: thread from ctx.id, a new run id, AG-UI messages, tools with descriptions', () => {
    const ctx = {
      id: 'thread-1',
      tools: [{ name: 'weather', parameters: { type: 'object' } }, { notATool: true }],
      state: { n: 1 },
      context: [{ description: 'user locale', value: 'fr-FR' }],
      forwardedProps: { model: 'x' },
    };
    const body = prepareAGUIBody(history, ctx);
    expect(body).toMatchObject({
      threadId: 'thread-1',
      state: { n: 1 },
      context: [{ description: 'user locale', value: 'fr-FR' }],
      forwardedProps: { model: 'x' },
      tools: [{ name: 'weather', description: '', parameters: { type: 'object' } }],
      messages: [
        { id: 's1', role: 'system', content: 'Be brief.' },
        { id: 'u1', role: 'user', content: 'Weather in Paris?' },
        {
          id: 'a1',
          role: 'assistant',
          toolCalls: [
            { id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'c2', type: 'function', function: { name: 'search', arguments: '{"q":"paris"}' } },
          ],
        },
        { id: 'c2-result', role: 'tool', content: '{"hits":3}', toolCallId: 'c2' },
        { id: 't1', role: 'tool', content: '{"celsius":18}', toolCallId: 'c1' },
        { id: 'a2', role: 'assistant', content: '18 °C.' },
      ],
    });
    expect((body.messages as Array<Record<string, unknown>>)[2]).not.toHaveProperty('content');
    expect(body.runId).not.toBe(prepareAGUIBody(history, ctx).runId);
  });

  it('defaults: empty state, context and forwardedProps; a thread id stable over the chat', () => {
    const body = prepareAGUIBody(history.slice(0, 2), { tools: [] });
    expect(body).toMatchObject({ state: {}, context: [], forwardedProps: {}, tools: [] });
    expect(body.threadId).toBe(prepareAGUIBody(history, { tools: [] }).threadId);
  });
});
