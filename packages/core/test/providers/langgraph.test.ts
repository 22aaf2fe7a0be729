import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createAccumulator } from '../../src/accumulate/accumulator';
import { createAutoAdapter, createLangGraphAdapter } from '../../src/providers';
import type { Delta, ProviderAdapter, RawEvent } from '../../src/types';
import { ev, joined, parseAll, toolDeltas } from './helpers';
import { splitSse } from './split-events';

function runToEnd(adapter: ProviderAdapter, events: RawEvent[]): Delta[] {
  const deltas = parseAll(adapter, ...events);
  if (deltas.some((d) => d.done)) return deltas;
  const end = adapter.end?.() ?? null;
  return [...deltas, ...(end === null ? [] : Array.isArray(end) ? end : [end])];
}

function snapshotOf(deltas: Delta[]) {
  const accumulator = createAccumulator();
  for (const delta of deltas) accumulator.apply(delta);
  return accumulator.read();
}

const human = { type: 'human', content: 'how are you?', id: 'h1' };
const aiChunk = (content: unknown, extra: object = {}) => ({ type: 'AIMessageChunk', content, id: 'run-1', ...extra });
const tuple = (message: object, event = 'messages') => ev([message, { langgraph_node: 'agent', langgraph_step: 1 }], event);

describe('langgraph adapter', () => {
  it('reads messages-tuple payloads of a Claude run (JS-serialized chunks; stop_reason in additional_kwargs)', () => {
    const events = splitSse(readFileSync(new URL('../fixtures/langgraph/messages-tuple-anthropic.sse', import.meta.url), 'utf8'));
    for (const adapter of [createLangGraphAdapter(), createAutoAdapter()]) {
      const deltas = runToEnd(adapter, events);
      const snapshot = snapshotOf(deltas);
      expect(snapshot.text).toBe("Why don't scientists trust atoms?\n\nBecause they make up everything!");
      expect(snapshot.finishReason).toBe('stop');
      // LangChain sums chunk usage (AIMessageChunk.concat): 12 + 0 input, 1 + 17 output.
      expect(snapshot.usage).toEqual({ inputTokens: 12, outputTokens: 18, totalTokens: 30 });
      expect(deltas.at(-1)).toEqual({ done: true });
    }
  });

  it('shows each token once when a run streams messages-tuple and values together', () => {
    const final = { type: 'ai', content: "I'm doing well", id: 'run-1', tool_calls: [] };
    const events = [
      ev({ run_id: 'r1', attempt: 1 }, 'metadata'),
      ev({ messages: [human] }, 'values'),
      tuple(aiChunk("I'm")),
      tuple(aiChunk(' doing well', { response_metadata: { finish_reason: 'stop' } })),
      ev({ messages: [human, final] }, 'values'),
      ev('null', 'end'),
    ];
    for (const adapter of [createLangGraphAdapter(), createAutoAdapter()]) {
      const deltas = runToEnd(adapter, events);
      const snapshot = snapshotOf(deltas);
      expect(snapshot.text).toBe("I'm doing well");
      expect(snapshot.id).toBe('r1');
      expect(snapshot.state).toEqual({ messages: [human, final] });
      expect(deltas.at(-1)).toEqual({ done: true });
    }
  });

  it('takes the text from values when no message chunk streams, each message once, from this turn only', () => {
    const old = { type: 'ai', content: 'An earlier answer', id: 'a0' };
    const call = { type: 'ai', content: '', id: 'a1', tool_calls: [{ id: 'call_1', name: 'weather', args: { city: 'Paris' } }] };
    const result = { type: 'tool', content: '21°C', tool_call_id: 'call_1', id: 't1' };
    const answer = { type: 'ai', content: 'It is 21°C in Paris.', id: 'a2', response_metadata: { finish_reason: 'stop' } };
    const history = [{ type: 'human', content: 'hi', id: 'h0' }, old, human];
    const deltas = runToEnd(createLangGraphAdapter(), [
      ev({ messages: history }, 'values'),
      ev({ messages: [...history, call] }, 'values'),
      ev({ messages: [...history, call, result] }, 'values'),
      ev({ messages: [...history, call, result, answer] }, 'values'),
    ]);
    const snapshot = snapshotOf(deltas);
    expect(snapshot.text).toBe('It is 21°C in Paris.');
    expect(snapshot.toolCalls).toMatchObject([{ id: 'call_1', name: 'weather', input: { city: 'Paris' }, complete: true, output: '21°C' }]);
    expect(deltas.at(-1)).toEqual({ done: true });
  });

  it('takes the text from updates when only updates stream', () => {
    const out = runToEnd(createLangGraphAdapter(), [
      ev({ run_id: 'r2' }, 'metadata'),
      ev({ agent: { messages: [{ type: 'ai', content: "I'm doing well", id: 'm1', usage_metadata: { input_tokens: 12, output_tokens: 7, total_tokens: 19 } }] } }, 'updates'),
      ev({ other_node: null }, 'updates'),
    ]);
    const snapshot = snapshotOf(out);
    expect(snapshot.text).toBe("I'm doing well");
    expect(snapshot.usage).toEqual({ inputTokens: 12, outputTokens: 7, totalTokens: 19 });
  });

  it('reads the older messages mode (messages/partial carries the message so far) without repeating text', () => {
    const partial = (content: string, extra: object = {}) => ev([{ type: 'AIMessageChunk', content, id: 'run-1', ...extra }], 'messages/partial');
    const out = parseAll(
      createLangGraphAdapter(),
      ev({ 'run-1': { metadata: { langgraph_node: 'agent' } } }, 'messages/metadata'),
      partial("I'm"),
      partial("I'm doing"),
      partial('', { tool_call_chunks: [] }),
      ev([{ type: 'ai', content: "I'm doing well", id: 'run-1' }], 'messages/complete'),
    );
    expect(joined(out).text).toBe("I'm doing well");
  });

  it('follows an agent turn in messages-tuple: tool call chunks, the tool result, then the answer', () => {
    const out = runToEnd(createLangGraphAdapter(), [
      tuple(aiChunk('', { id: 'a1', tool_call_chunks: [{ index: 0, id: 'call_1', name: 'weather', args: '{"city"' }] })),
      tuple(aiChunk('', { id: 'a1', tool_call_chunks: [{ index: 0, args: ':"Paris"}' }], response_metadata: { finish_reason: 'tool_calls' } })),
      ev([{ type: 'tool', content: '21°C', tool_call_id: 'call_1', id: 't1' }, { langgraph_node: 'tools' }], 'messages'),
      tuple(aiChunk('Sunny, 21°C.', { id: 'a2', tool_call_chunks: [{ index: 0, id: 'call_2', name: 'log', args: '{}' }] })),
      ev('null', 'end'),
    ]);
    expect(joined(out).text).toBe('Sunny, 21°C.');
    // Call indexes span the run: the second message's call 0 is the run's call 1.
    expect(toolDeltas(out).map((c) => c.index)).toEqual([0, 0, 0, 0, 1]);
    const snapshot = snapshotOf(out);
    expect(snapshot.toolCalls.map((c) => [c.id, c.name, c.arguments, c.output])).toEqual([
      ['call_1', 'weather', '{"city":"Paris"}', '21°C'],
      ['call_2', 'log', '{}', undefined],
    ]);
  });

  it('completes whole tool_calls carried by a chunk with no tool_call_chunks (a model that does not stream arguments)', () => {
    const out = parseAll(
      createLangGraphAdapter(),
      tuple(aiChunk('', { id: 'a1', tool_calls: [{ id: 'call_9', name: 'lookup', args: { q: 'x' } }], tool_call_chunks: [] })),
      // Beside chunks, tool_calls is only their partial parse: not read again.
      tuple(aiChunk('', { id: 'a2', tool_calls: [{ id: 'call_10', name: 'f', args: {} }], tool_call_chunks: [{ index: 0, id: 'call_10', name: 'f', args: '{' }] })),
    );
    expect(toolDeltas(out)).toEqual([
      { index: 0, id: 'call_9', name: 'lookup', argumentsDelta: '{"q":"x"}', complete: true },
      { index: 1, id: 'call_10', name: 'f', argumentsDelta: '{' },
    ]);
  });

  it('includes subgraph message tokens, but not subgraph state', () => {
    const out = parseAll(
      createLangGraphAdapter(),
      tuple(aiChunk('from a subgraph'), 'messages|research:1f0abc'),
      ev({ messages: [] }, 'values|research:1f0abc'),
    );
    expect(out).toEqual([{ text: 'from a subgraph' }]);
  });

  it('skips odd shapes inside a recognised stream, and fails malformed JSON with a parse error', () => {
    const a = createLangGraphAdapter();
    const odd = [
      ev({ run_id: 'r' }, 'metadata'),
      ev({ not: 'a tuple' }, 'messages'),
      ev([null, {}], 'messages'),
      ev([{ type: 'AIMessageChunk', content: 42, tool_call_chunks: 'x', usage_metadata: [] }, {}], 'messages'),
      ev('"a string state"', 'values'),
      ev({ agent: { messages: 'not a list' } }, 'updates'),
      ev([1, 2], 'messages/partial'),
      ev({ anything: true }, 'debug'),
      ev({ x: 1 }, 'some-future-event'),
    ];
    expect(parseAll(a, ...odd)).toEqual([{ id: 'r' }, { state: 'a string state' }]);
    expect(() => a.parse(ev('[{"type":"AIMessageChunk"', 'messages'))).toThrow(expect.objectContaining({ kind: 'parse' }));
  });

  it('reads a long run of values events without repeating text (each message once)', () => {
    const a = createLangGraphAdapter();
    const messages: object[] = [human];
    const events = [];
    for (let i = 0; i < 200; i++) {
      messages.push({ type: 'ai', content: `step ${i}. `, id: `m${i}` });
      events.push(ev({ messages: [...messages] }, 'values'));
    }
    const text = joined(parseAll(a, ...events)).text;
    expect(text).toBe(Array.from({ length: 200 }, (_, i) => `step ${i}. `).join(''));
  });

  it('ends a run paused by interrupt() with finishReason interrupt and the interrupt in metadata', () => {
    const interrupt = [{ value: { question: 'Approve the refund?' }, id: 'int-1' }];
    const out = runToEnd(createLangGraphAdapter(), [
      tuple(aiChunk('I need your approval.')),
      ev({ __interrupt__: interrupt }, 'updates'),
      ev('null', 'end'),
    ]);
    const snapshot = snapshotOf(out);
    expect(snapshot.text).toBe('I need your approval.');
    expect(snapshot.finishReason).toBe('interrupt');
    expect(snapshot.metadata).toEqual({ interrupt });
    expect(out.at(-1)).toEqual({ done: true });
  });

  it('keeps custom events as data parts', () => {
    expect(parseAll(createLangGraphAdapter(), ev({ progress: 0.5 }, 'custom'))).toEqual([{ data: { type: 'custom', data: { progress: 0.5 } } }]);
  });

  it('ends an error event as an in-band error, partial text kept', () => {
    const out = parseAll(createLangGraphAdapter(), tuple(aiChunk('Par')), ev({ error: 'GraphRecursionError', message: 'Recursion limit of 25 reached' }, 'error'));
    expect(joined(out).text).toBe('Par');
    expect(out.at(-1)).toEqual({ error: { message: 'Recursion limit of 25 reached', code: 'GraphRecursionError' }, finishReason: 'error', done: true });
  });

  it('refuses a first event of another protocol, and is not complete with no event at all', () => {
    expect(() => createLangGraphAdapter().parse(ev({ choices: [] }))).toThrow(expect.objectContaining({ code: 'wrong_protocol' }));
    expect(createLangGraphAdapter().end?.()).toBeNull();
  });
});
