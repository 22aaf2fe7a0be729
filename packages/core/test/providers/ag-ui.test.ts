import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createAccumulator } from '../../src/accumulate/accumulator';
import { createAGUIAdapter, isAGUIEvent } from '../../src/providers/ag-ui';
import { tryParseJson } from '../../src/providers/shared';
import type { Delta, ProviderAdapter, RawEvent } from '../../src/types';
import type { ExpectedOutput } from '../fixtures';
import { ev, joined, parseAll, toolDeltas } from './helpers';
import { splitNdjson, splitSse } from './split-events';

const recognizes = (data: unknown) => {
  const raw = ev(data);
  return isAGUIEvent(raw, tryParseJson(raw.data));
};

function run(adapter: ProviderAdapter, events: RawEvent[]): Delta[] {
  const out: Delta[] = [];
  for (const event of events) {
    out.push(...parseAll(adapter, event));
    if (out.some((d) => d.done)) break;
  }
  return out;
}

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../fixtures/ag-ui/${name}`, import.meta.url)), 'utf8');

const started = { type: 'RUN_STARTED', threadId: 't', runId: 'r' };
const finished = { type: 'RUN_FINISHED', threadId: 't', runId: 'r' };

describe('isAGUIEvent', () => {
  it('claims AG-UI events, old THINKING_* names included', () => {
    expect(recognizes(started)).toBe(true);
    expect(recognizes({ type: 'TEXT_MESSAGE_START', messageId: 'm', role: 'assistant' })).toBe(true);
    expect(recognizes({ type: 'TEXT_MESSAGE_CHUNK', delta: 'x' })).toBe(true);
    expect(recognizes({ type: 'STATE_SNAPSHOT', snapshot: {} })).toBe(true);
    expect(recognizes({ type: 'THINKING_TEXT_MESSAGE_CONTENT', delta: 'x' })).toBe(true);
    expect(recognizes({ type: 'RUN_ERROR', message: 'x' })).toBe(true);
  });

  it("claims no other protocol's events, nor AG-UI types missing their required fields", () => {
    expect(recognizes({ type: 'text-delta', id: '0', delta: 'x' })).toBe(false);
    expect(recognizes({ type: 'message_start', message: {} })).toBe(false);
    expect(recognizes({ choices: [{ delta: { content: 'x' } }] })).toBe(false);
    expect(recognizes({ content: 'Hello' })).toBe(false);
    expect(recognizes({ type: 'RUN_STARTED' })).toBe(false);
    expect(recognizes({ type: 'TEXT_MESSAGE_CONTENT', delta: 'x' })).toBe(false);
    expect(recognizes({ type: 'run_started', threadId: 't', runId: 'r' })).toBe(false);
    expect(recognizes('[DONE]')).toBe(false);
  });
});

describe('createAGUIAdapter', () => {
  it.each([
    ['single-tool-call', splitSse],
    ['multi-tool-call', splitSse],
  ] as const)('CopilotKit capture %s', (name, split) => {
    const want = JSON.parse(fixture(`${name}.expected.json`)) as ExpectedOutput;
    const deltas = run(createAGUIAdapter(), split(fixture(`${name}.sse`)));
    const accumulator = createAccumulator();
    for (const delta of deltas) accumulator.apply(delta);
    const out = accumulator.read();
    expect(out.text).toBe(want.text);
    expect(out.reasoning).toBe(want.reasoning);
    expect(out.id).toBe(want.id);
    expect(out.toolCalls.map(({ id, name: n, arguments: a, input, complete }) => ({ id, name: n, arguments: a, input, complete }))).toEqual(
      want.toolCalls,
    );
    // The adapter's own reading of RUN_FINISHED: answered calls -> stop, calls left to the app -> tool_calls.
    expect(deltas.filter((d) => d.finishReason).map((d) => d.finishReason)).toEqual([want.finishReason]);
    expect(deltas.at(-1)?.done).toBe(true);
  });

  it('reads NDJSON the same as SSE', () => {
    const sse = fixture('single-tool-call.sse');
    const ndjson = splitSse(sse).map((e) => e.data).join('\n');
    expect(run(createAGUIAdapter(), splitNdjson(ndjson))).toEqual(run(createAGUIAdapter(), splitSse(sse)));
  });

  it('text, reasoning (REASONING_* and THINKING_*), run id once', () => {
    const deltas = parseAll(
      createAGUIAdapter(),
      ev(started),
      ev({ type: 'THINKING_START' }),
      ev({ type: 'THINKING_TEXT_MESSAGE_CONTENT', delta: 'old ' }),
      ev({ type: 'REASONING_MESSAGE_CONTENT', messageId: 'r1', delta: 'new ' }),
      ev({ type: 'REASONING_MESSAGE_CHUNK', messageId: 'r1', delta: 'chunk' }),
      ev({ type: 'TEXT_MESSAGE_START', messageId: 'm1', role: 'assistant' }),
      ev({ type: 'TEXT_MESSAGE_CONTENT', messageId: 'm1', delta: 'Hel' }),
      ev({ type: 'TEXT_MESSAGE_CONTENT', messageId: 'm1', delta: 'lo' }),
      ev({ type: 'RUN_STARTED', threadId: 't', runId: 'other' }),
    );
    expect(joined(deltas)).toEqual({ text: 'Hello', reasoning: 'old new chunk' });
    expect(deltas.filter((d) => d.id)).toEqual([{ id: 'r' }]);
  });

  it('skips subagent events and messages whose role is not assistant', () => {
    const deltas = parseAll(
      createAGUIAdapter(),
      ev(started),
      ev({ type: 'TEXT_MESSAGE_START', messageId: 'u', role: 'user' }),
      ev({ type: 'TEXT_MESSAGE_CONTENT', messageId: 'u', delta: 'echo of the question' }),
      ev({ type: 'TEXT_MESSAGE_CHUNK', messageId: 's', role: 'system', delta: 'system text' }),
      ev({ type: 'TEXT_MESSAGE_CONTENT', messageId: 'sub', delta: 'subagent text', subagentRunId: 'sr1' }),
      ev({ type: 'TOOL_CALL_START', toolCallId: 'x', toolCallName: 'y', subagentRunId: 'sr1' }),
      ev({ type: 'TEXT_MESSAGE_CONTENT', messageId: 'm', delta: 'answer' }),
    );
    expect(joined(deltas).text).toBe('answer');
    expect(toolDeltas(deltas)).toEqual([]);
  });

  it('TOOL_CALL_CHUNK continues the last chunked call and completes it when another starts', () => {
    const deltas = parseAll(
      createAGUIAdapter(),
      ev(started),
      ev({ type: 'TOOL_CALL_CHUNK', toolCallId: 'a', toolCallName: 'one', delta: '{"x"' }),
      ev({ type: 'TOOL_CALL_CHUNK', delta: ':1}' }),
      ev({ type: 'TOOL_CALL_CHUNK', toolCallId: 'b', toolCallName: 'two', delta: '{}' }),
    );
    expect(toolDeltas(deltas)).toEqual([
      { index: 0, id: 'a', name: 'one', argumentsDelta: '{"x"' },
      { index: 0, argumentsDelta: ':1}' },
      { index: 0, complete: true },
      { index: 1, id: 'b', name: 'two', argumentsDelta: '{}' },
    ]);
  });

  it.each([
    ['no calls', [], {}, 'stop'],
    ['answered calls', ['a'], {}, 'stop'],
    ['a call left to the app', [], {}, 'tool_calls'],
    ['pendingToolCallIds', ['a'], { outcome: { type: 'success', pendingToolCallIds: ['later'] } }, 'tool_calls'],
    ['an interrupt', [], { outcome: { type: 'interrupt', interrupts: [{ id: 'i' }] } }, 'interrupt'],
    ['a cancelled run', ['a'], { outcome: { type: 'cancelled' } }, 'cancelled'],
  ] as const)('RUN_FINISHED after %s', (label, answered, extra, reason) => {
    const events = [ev(started)];
    if (label !== 'no calls') {
      events.push(ev({ type: 'TOOL_CALL_START', toolCallId: 'a', toolCallName: 'f' }), ev({ type: 'TOOL_CALL_END', toolCallId: 'a' }));
    }
    for (const id of answered) events.push(ev({ type: 'TOOL_CALL_RESULT', messageId: 'tm', toolCallId: id, content: 'ok' }));
    events.push(ev({ ...finished, ...extra }));
    expect(parseAll(createAGUIAdapter(), ...events).at(-1)).toEqual({ finishReason: reason, done: true });
  });

  it('RUN_FINISHED and RUN_ERROR usage: the entries summed', () => {
    const usage = [
      { inputTokens: 10, outputTokens: 4, cachedInputTokens: 2 },
      { inputTokens: 5, outputTokens: 3, totalTokens: 9, reasoningTokens: 1 },
    ];
    const sum = { inputTokens: 15, outputTokens: 7, totalTokens: 23, cachedInputTokens: 2, reasoningTokens: 1 };
    expect(parseAll(createAGUIAdapter(), ev(started), ev({ ...finished, usage })).at(-1)).toEqual({
      finishReason: 'stop',
      done: true,
      usage: sum,
    });
    expect(parseAll(createAGUIAdapter(), ev(started), ev({ type: 'RUN_ERROR', message: 'quota', code: 'q', usage })).slice(1)).toEqual([
      { usage: sum },
      { error: { message: 'quota', code: 'q' }, finishReason: 'error', done: true },
    ]);
  });

  it('RUN_ERROR is an in-band error; an empty message still says something', () => {
    expect(parseAll(createAGUIAdapter(), ev({ type: 'RUN_ERROR', message: '' }))).toEqual([
      { error: { message: 'The agent run failed' }, finishReason: 'error', done: true },
    ]);
  });

  it('state: snapshot, then patches, each delta the whole state; earlier states untouched', () => {
    const adapter = createAGUIAdapter();
    const [first] = parseAll(adapter, ev({ type: 'STATE_SNAPSHOT', snapshot: { items: ['a'], meta: { n: 1 } } }));
    const [second] = parseAll(
      adapter,
      ev({ type: 'STATE_DELTA', delta: [{ op: 'add', path: '/items/-', value: 'b' }, { op: 'replace', path: '/meta/n', value: 2 }] }),
    );
    expect(second!.state).toEqual({ items: ['a', 'b'], meta: { n: 2 } });
    expect(first!.state).toEqual({ items: ['a'], meta: { n: 1 } });
    // A patch with no snapshot before it starts from {} (RunAgentInput.state's default).
    expect(parseAll(createAGUIAdapter(), ev({ type: 'STATE_DELTA', delta: [{ op: 'add', path: '/x', value: 1 }] }))).toEqual([
      { state: { x: 1 } },
    ]);
  });

  it('custom events and the messages snapshot are data parts; RAW and activity carry nothing', () => {
    const deltas = parseAll(
      createAGUIAdapter(),
      ev(started),
      ev({ type: 'CUSTOM', name: 'progress', value: 1 }),
      ev({ type: 'MESSAGES_SNAPSHOT', messages: [{ id: '1', role: 'user', content: 'hi' }] }),
      ev({ type: 'RAW', event: { anything: true } }),
      ev({ type: 'ACTIVITY_SNAPSHOT', messageId: 'a', activityType: 'x', content: {} }),
      ev({ type: 'STEP_STARTED', stepName: 's' }),
      ev({ type: 'SOMETHING_NEW', x: 1 }),
    );
    expect(deltas.slice(1)).toEqual([
      { data: { type: 'CUSTOM', data: { name: 'progress', value: 1 } } },
      { data: { type: 'MESSAGES_SNAPSHOT', id: 'messages', data: [{ id: '1', role: 'user', content: 'hi' }] } },
    ]);
  });

  it('fails on a first event of another protocol, and on invalid JSON', () => {
    expect(() => parseAll(createAGUIAdapter(), ev({ type: 'start', messageId: 'm' }))).toThrow(
      expect.objectContaining({ kind: 'parse', code: 'wrong_protocol' }),
    );
    expect(() => parseAll(createAGUIAdapter(), ev(started), ev('{"type":'))).toThrow(expect.objectContaining({ kind: 'parse' }));
  });
});
