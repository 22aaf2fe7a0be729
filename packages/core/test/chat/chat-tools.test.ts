import { describe, expect, it } from 'vitest';
import { createChat } from '../../src/chat/chat';
import { prepareAnthropicBody } from '../../src/chat/bodies';
import type { ChatOptions, ChatTool } from '../../src/types';
import { anthropicStream, replayFetch, gate, openAIChatTurn, waitForSnapshot, type BodyPart } from '@tokenstream/test-utils';

const weatherParameters = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

function chatOptions(fetch: typeof globalThis.fetch, extra: Partial<ChatOptions> = {}): ChatOptions {
  return { url: 'https://api.test/v1/chat/completions', fetch, provider: 'openai', throttle: 0, retry: false, model: 'gpt-test', ...extra };
}

/** Tools that log when they start and end; each takes a few ms so that parallel runs interleave. */
function loggingTools(log: string[]): Record<string, ChatTool> {
  return {
    weather: {
      description: 'Current weather for a city',
      parameters: weatherParameters,
      async execute(input) {
        const { city } = input as { city: string };
        log.push(`start ${city}`);
        await tick();
        log.push(`end ${city}`);
        return { city, tempC: city === 'Paris' ? 18 : 11 };
      },
    },
  };
}

const twoCalls = [
  { id: 'call_1', name: 'weather', args: '{"city":"Paris"}' },
  { id: 'call_2', name: 'weather', args: '{"city":"Oslo"}' },
];

describe('createChat tool loop', () => {
  it('runs a turn’s two tool calls in parallel and continues with the results (OpenAI body)', async () => {
    const fake = replayFetch((n) =>
      n === 1
        ? openAIChatTurn({ calls: twoCalls, usage: { input: 20, output: 10 } })
        : openAIChatTurn({ text: ['Paris 18°C, ', 'Oslo 11°C.'], usage: { input: 60, output: 8 } }),
    );
    const log: string[] = [];
    const chat = createChat(chatOptions(fake.fetch, { tools: loggingTools(log) }));
    const final = await chat.send('Weather in Paris and Oslo?');

    expect(log).toEqual(['start Paris', 'start Oslo', 'end Paris', 'end Oslo']);
    expect(fake.bodies).toHaveLength(2);
    expect(fake.bodies[1]).toEqual({
      model: 'gpt-test',
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'user', content: 'Weather in Paris and Oslo?' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"city":"Paris","tempC":18}' },
        { role: 'tool', tool_call_id: 'call_2', content: '{"city":"Oslo","tempC":11}' },
      ],
      tools: [
        { type: 'function', function: { name: 'weather', description: 'Current weather for a city', parameters: weatherParameters } },
      ],
    });
    expect(final.status).toBe('done');
    expect(final.error).toBeNull();
    expect(final.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool', 'assistant']);
    expect(final.messages[1]).toMatchObject({ finishReason: 'tool_calls', status: 'done' });
    expect(final.messages[2]).toMatchObject({ toolCallId: 'call_1', result: { city: 'Paris', tempC: 18 } });
    expect(final.messages[4]).toMatchObject({ text: 'Paris 18°C, Oslo 11°C.', finishReason: 'stop', status: 'done' });
    expect(final.usage).toEqual({ inputTokens: 80, outputTokens: 18, totalTokens: 98 });
  });

  it('sends tool results back in the Anthropic Messages format', async () => {
    const fake = replayFetch((n) =>
      n === 1
        ? anthropicStream({ text: ['Let me check.'], calls: [{ id: 'toolu_1', name: 'weather', args: '{"city":"Paris"}' }] })
        : anthropicStream({ text: ['18°C in Paris.'] }),
    );
    const chat = createChat(
      chatOptions(fake.fetch, {
        url: 'https://api.test/v1/messages',
        provider: 'anthropic',
        model: 'claude-test',
        prepareBody: prepareAnthropicBody,
        tools: loggingTools([]),
        messages: [{ id: 'sys', role: 'system', text: 'Be brief.' }],
      }),
    );
    const final = await chat.send('Weather in Paris?');
    expect(final.status).toBe('done');
    expect(fake.bodies[1]).toEqual({
      model: 'claude-test',
      max_tokens: 4096,
      stream: true,
      system: 'Be brief.',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me check.' },
            { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '{"city":"Paris","tempC":18}' }] },
      ],
      tools: [{ name: 'weather', description: 'Current weather for a city', input_schema: weatherParameters }],
    });
    expect(final.messages.at(-1)).toMatchObject({ role: 'assistant', text: '18°C in Paris.' });
  });

  it('stops after maxSteps requests, with the last step’s tools answered', async () => {
    let n = 0;
    const fake = replayFetch(() => openAIChatTurn({ calls: [{ id: `call_${++n}`, name: 'count', args: `{"n":${n}}` }] }));
    const chat = createChat(chatOptions(fake.fetch, { maxSteps: 2, tools: { count: { execute: (input) => input } } }));
    const final = await chat.send('loop');
    expect(fake.bodies).toHaveLength(2);
    expect(final.status).toBe('done');
    expect(final.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant', 'tool']);
    expect(final.messages.at(-1)).toMatchObject({ toolCallId: 'call_2', result: { n: 2 } });
  });

  it('waits for addToolResult on a tool without execute, then continues', async () => {
    const fake = replayFetch((n) =>
      n === 1
        ? openAIChatTurn({ calls: [{ id: 'call_pay', name: 'pay', args: '{"amount":5}' }] })
        : openAIChatTurn({ text: ['Paid.'] }),
    );
    const chat = createChat(chatOptions(fake.fetch, { tools: { pay: { description: 'Needs the user’s approval' } } }));
    const paused = await chat.send('Pay 5');
    expect(paused.status).toBe('done');
    expect(paused.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(paused.messages[1].toolCalls).toMatchObject([{ id: 'call_pay', input: { amount: 5 }, complete: true }]);
    expect(fake.bodies).toHaveLength(1);

    chat.addToolResult('unknown-call', 'ignored');
    chat.addToolResult('call_pay', { approved: true });
    const final = await waitForSnapshot(chat, (s) => s.status === 'done' && s.messages.at(-1)?.text === 'Paid.');
    expect(fake.bodies).toHaveLength(2);
    expect((fake.bodies[1] as { messages: unknown[] }).messages.at(-1)).toEqual({
      role: 'tool',
      tool_call_id: 'call_pay',
      content: '{"approved":true}',
    });
    expect(final.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
  });

  it('turns a throwing tool and an unknown tool into error results, not a crashed chat', async () => {
    const fake = replayFetch((n) =>
      n === 1
        ? openAIChatTurn({
            calls: [
              { id: 'call_a', name: 'explode', args: '{}' },
              { id: 'call_b', name: 'missing', args: '{}' },
            ],
          })
        : openAIChatTurn({ text: ['Sorry.'] }),
    );
    const chat = createChat(
      chatOptions(fake.fetch, {
        tools: {
          explode: {
            execute() {
              throw new Error('boom');
            },
          },
        },
      }),
    );
    const final = await chat.send('go');
    expect(final.status).toBe('done');
    const toolMessages = (fake.bodies[1] as { messages: Array<{ role: string }> }).messages.filter((m) => m.role === 'tool');
    expect(toolMessages).toEqual([
      { role: 'tool', tool_call_id: 'call_a', content: '{"error":"boom"}' },
      { role: 'tool', tool_call_id: 'call_b', content: '{"error":"Unknown tool: missing"}' },
    ]);
  });

  it('caches results by tool name and canonical input within a chat', async () => {
    const run = async (cacheToolResults: boolean) => {
      const fake = replayFetch((n) =>
        n === 1
          ? openAIChatTurn({ calls: [{ id: 'c1', name: 'lookup', args: '{"a":1,"b":{"x":1,"y":2}}' }] })
          : n === 2
            ? openAIChatTurn({ calls: [{ id: 'c2', name: 'lookup', args: '{"b":{"y":2,"x":1},"a":1}' }] })
            : openAIChatTurn({ text: ['ok'] }),
      );
      let executions = 0;
      const chat = createChat(
        chatOptions(fake.fetch, { cacheToolResults, tools: { lookup: { execute: () => ({ hit: ++executions }) } } }),
      );
      const final = await chat.send('twice');
      return { executions, results: final.messages.filter((m) => m.role === 'tool').map((m) => m.result) };
    };
    expect(await run(true)).toEqual({ executions: 1, results: [{ hit: 1 }, { hit: 1 }] });
    expect(await run(false)).toEqual({ executions: 2, results: [{ hit: 1 }, { hit: 2 }] });
  });

  it('stop() during a tool aborts it through its signal and sends nothing more', async () => {
    const fake = replayFetch(() => openAIChatTurn({ calls: [{ id: 'call_slow', name: 'slow', args: '{}' }] }));
    const started = gate<AbortSignal>();
    const chat = createChat(
      chatOptions(fake.fetch, {
        tools: {
          slow: {
            execute: (_input, { signal }) =>
              new Promise((_resolve, reject) => {
                started.open(signal);
                signal.addEventListener('abort', () => reject(signal.reason));
              }),
          },
        },
      }),
    );
    const sent = chat.send('slow one');
    const signal = await started.promise;
    // The call starts as soon as it is complete; stop once the turn itself has ended, in the tool phase.
    await waitForSnapshot(chat, (s) => s.messages[1]?.status === 'done');
    expect(signal.aborted).toBe(false);
    chat.stop();
    const final = await sent;
    expect(signal.aborted).toBe(true);
    expect(final.status).toBe('aborted');
    expect(final.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(final.messages[1].status).toBe('done');
    expect(fake.bodies).toHaveLength(1);
  });

  it('starts a call whose arguments are complete while the turn still streams', async () => {
    const firstStarted = gate();
    const parts = (n: number): BodyPart[] => {
      if (n > 1) return anthropicStream({ text: ['done'] });
      const stream = anthropicStream({ calls: twoCalls });
      // After call 1's content_block_stop (message_start + start/2 deltas/stop = 5 parts), hold the rest of
      // the turn until call 1's tool has started: this only finishes if the tool starts early.
      return [...stream.slice(0, 5), firstStarted.promise, ...stream.slice(5)];
    };
    const fake = replayFetch(parts);
    const log: string[] = [];
    const chat = createChat(
      chatOptions(fake.fetch, {
        provider: 'anthropic',
        prepareBody: prepareAnthropicBody,
        tools: {
          weather: {
            execute(input) {
              log.push(`start ${(input as { city: string }).city}`);
              if (log.length === 1) firstStarted.open();
              return 'sunny';
            },
          },
        },
      }),
    );
    const final = await chat.send('both');
    expect(log).toEqual(['start Paris', 'start Oslo']);
    expect(final.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool', 'assistant']);
    expect(final.messages.slice(2, 4).map((m) => m.toolCallId)).toEqual(['call_1', 'call_2']);
  });
});
