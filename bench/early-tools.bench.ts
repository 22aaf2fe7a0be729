// Early tool start: does starting a tool call as soon as its arguments are complete (while the turn still streams)
// shorten the time to the final answer, against starting every call after the turn ends?
//
//   pnpm --filter bench exec tsx early-tools.bench.ts
//
// A fake fetch streams real provider SSE on a timetable: step 1 is a 300 ms turn with two tool calls, step 2 a
// short text answer (50 ms). Each tool takes 200 ms. Time to answer = send() to the end of the final answer.
// Median of several runs per mode, real timers, default 'frame' throttle (what an app gets).
// runEarlyToolsBench() is exported for a harness.

import { pathToFileURL } from 'node:url';
import { createChat } from '../packages/core/src/chat/chat';
import { prepareAnthropicBody } from '../packages/core/src/chat/bodies';
import type { ChatOptions } from '../packages/core/src/types';

const TOOL_MS = 200;
const RUNS = 7;

interface TimedPart {
  at: number;
  data: string;
}

const sse = (data: unknown, event?: string) =>
  `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

/** Anthropic turn: each tool_use block completes (content_block_stop) at the given time; message_stop at endAt. */
function anthropicToolTurn(completeAt: number[], endAt: number): TimedPart[] {
  const parts: TimedPart[] = [
    {
      at: 0,
      data: sse({ type: 'message_start', message: { id: 'msg_b', type: 'message', role: 'assistant', content: [], model: 'claude-bench', stop_reason: null, usage: { input_tokens: 50, output_tokens: 1 } } }, 'message_start'),
    },
  ];
  let startedAt = 0;
  completeAt.forEach((doneAt, index) => {
    const city = index === 0 ? 'Paris' : 'Oslo';
    parts.push({ at: startedAt, data: sse({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: `toolu_${index}`, name: 'weather', input: {} } }, 'content_block_start') });
    parts.push({ at: (startedAt + doneAt) / 2, data: sse({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '{"city":' } }, 'content_block_delta') });
    parts.push({ at: doneAt, data: sse({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: `"${city}"}` } }, 'content_block_delta') });
    parts.push({ at: doneAt, data: sse({ type: 'content_block_stop', index }, 'content_block_stop') });
    startedAt = doneAt;
  });
  parts.push({ at: endAt, data: sse({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 40 } }, 'message_delta') });
  parts.push({ at: endAt, data: sse({ type: 'message_stop' }, 'message_stop') });
  return parts;
}

function anthropicTextTurn(durationMs: number): TimedPart[] {
  return [
    { at: 0, data: sse({ type: 'message_start', message: { id: 'msg_t', type: 'message', role: 'assistant', content: [], model: 'claude-bench', stop_reason: null, usage: { input_tokens: 90, output_tokens: 1 } } }, 'message_start') },
    { at: 0, data: sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start') },
    { at: durationMs / 2, data: sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Paris 18°C, ' } }, 'content_block_delta') },
    { at: durationMs, data: sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Oslo 11°C.' } }, 'content_block_delta') },
    { at: durationMs, data: sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop') },
    { at: durationMs, data: sse({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 12 } }, 'message_delta') },
    { at: durationMs, data: sse({ type: 'message_stop' }, 'message_stop') },
  ];
}

/** OpenAI Chat turn: the format has no per-call end, so calls complete only with finish_reason at endAt. */
function openAIToolTurn(argsDoneAt: number[], endAt: number): TimedPart[] {
  const base = { id: 'chatcmpl-b', object: 'chat.completion.chunk', created: 1, model: 'gpt-bench' };
  const chunk = (delta: object, finish: string | null = null) => sse({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  const parts: TimedPart[] = [{ at: 0, data: chunk({ role: 'assistant', content: null }) }];
  let startedAt = 0;
  argsDoneAt.forEach((doneAt, index) => {
    const city = index === 0 ? 'Paris' : 'Oslo';
    parts.push({ at: startedAt, data: chunk({ tool_calls: [{ index, id: `call_${index}`, type: 'function', function: { name: 'weather', arguments: '' } }] }) });
    parts.push({ at: doneAt, data: chunk({ tool_calls: [{ index, function: { arguments: `{"city":"${city}"}` } }] }) });
    startedAt = doneAt;
  });
  parts.push({ at: endAt, data: chunk({}, 'tool_calls') });
  parts.push({ at: endAt, data: sse({ ...base, choices: [], usage: { prompt_tokens: 50, completion_tokens: 40, total_tokens: 90 } }) });
  parts.push({ at: endAt, data: sse('[DONE]') });
  return parts;
}

function openAITextTurn(durationMs: number): TimedPart[] {
  const base = { id: 'chatcmpl-t', object: 'chat.completion.chunk', created: 1, model: 'gpt-bench' };
  const chunk = (delta: object, finish: string | null = null) => sse({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  return [
    { at: 0, data: chunk({ role: 'assistant', content: '' }) },
    { at: durationMs / 2, data: chunk({ content: 'Paris 18°C, ' }) },
    { at: durationMs, data: chunk({ content: 'Oslo 11°C.' }) },
    { at: durationMs, data: chunk({}, 'stop') },
    { at: durationMs, data: sse('[DONE]') },
  ];
}

/** A fetch that streams the nth scripted response on its timetable (relative to the request). */
function timedFetch(responses: TimedPart[][]): typeof fetch {
  let call = 0;
  const encoder = new TextEncoder();
  return (async (_url: unknown, init?: RequestInit) => {
    const parts = responses[Math.min(call++, responses.length - 1)];
    const t0 = performance.now();
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        for (const part of parts) {
          const wait = part.at - (performance.now() - t0);
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          if (init?.signal?.aborted) return;
          controller.enqueue(encoder.encode(part.data));
        }
        controller.close();
      },
    });
    return new Response(stream, { headers: { 'content-type': 'text/event-stream' } });
  }) as typeof fetch;
}

interface Scenario {
  name: string;
  provider: 'anthropic' | 'openai';
  responses: () => TimedPart[][];
}

const SCENARIOS: Scenario[] = [
  {
    name: 'Anthropic, calls complete at 100/200 ms, turn ends at 300 ms',
    provider: 'anthropic',
    responses: () => [anthropicToolTurn([100, 200], 300), anthropicTextTurn(50)],
  },
  {
    name: 'Anthropic, calls complete at 150/300 ms, turn ends at 300 ms',
    provider: 'anthropic',
    responses: () => [anthropicToolTurn([150, 300], 300), anthropicTextTurn(50)],
  },
  {
    name: 'OpenAI Chat, arguments done at 100/200 ms, turn ends at 300 ms',
    provider: 'openai',
    responses: () => [openAIToolTurn([100, 200], 300), openAITextTurn(50)],
  },
];

async function timeToAnswer(scenario: Scenario, startToolsEarly: boolean): Promise<number> {
  const options: ChatOptions = {
    url: 'https://bench.invalid/v1',
    fetch: timedFetch(scenario.responses()),
    provider: scenario.provider,
    retry: false,
    startToolsEarly,
    prepareBody: scenario.provider === 'anthropic' ? prepareAnthropicBody : undefined,
    tools: {
      weather: {
        execute: async (input) => {
          await new Promise((resolve) => setTimeout(resolve, TOOL_MS));
          return { city: (input as { city: string }).city, tempC: 18 };
        },
      },
    },
  };
  const chat = createChat(options);
  const t0 = performance.now();
  const final = await chat.send('Weather in Paris and Oslo?');
  const elapsed = performance.now() - t0;
  if (final.status !== 'done' || final.messages.at(-1)?.text !== 'Paris 18°C, Oslo 11°C.') {
    throw new Error(`bench run did not finish as scripted: ${final.status} ${final.error?.message ?? ''}`);
  }
  return elapsed;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function runEarlyToolsBench(): Promise<Array<{ scenario: string; afterTurnMs: number; earlyMs: number }>> {
  const rows = [];
  for (const scenario of SCENARIOS) {
    const after: number[] = [];
    const early: number[] = [];
    await timeToAnswer(scenario, true); // warm-up (module JIT)
    for (let i = 0; i < RUNS; i++) {
      after.push(await timeToAnswer(scenario, false));
      early.push(await timeToAnswer(scenario, true));
    }
    rows.push({ scenario: scenario.name, afterTurnMs: median(after), earlyMs: median(early) });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await runEarlyToolsBench();
  console.log(`time to answer (median of ${RUNS}), tools ${TOOL_MS} ms each, final answer streams 50 ms`);
  console.log('| scenario | after turn | early start | saved |');
  console.log('|---|---:|---:|---:|');
  for (const row of rows) {
    console.log(
      `| ${row.scenario} | ${row.afterTurnMs.toFixed(0)} ms | ${row.earlyMs.toFixed(0)} ms | ${(row.afterTurnMs - row.earlyMs).toFixed(0)} ms |`,
    );
  }
}
