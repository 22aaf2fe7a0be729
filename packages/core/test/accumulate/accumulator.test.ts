import { describe, expect, it } from 'vitest';
import { createAccumulator } from '../../src/accumulate/accumulator';
import type { Delta } from '../../src/types';

function accumulate(deltas: Delta[]) {
  const acc = createAccumulator();
  for (const delta of deltas) acc.apply(delta);
  return acc;
}

describe('accumulator: text, reasoning, ids', () => {
  it('starts empty', () => {
    const acc = createAccumulator();
    expect(acc.read()).toEqual({
      text: '', reasoning: '', toolCalls: [], usage: null, finishReason: null, model: null, id: null,
    });
    expect(acc.hasOutput).toBe(false);
    expect(acc.outputDeltas).toBe(0);
  });

  it('appends text and reasoning separately, across reads', () => {
    const acc = createAccumulator();
    acc.apply({ reasoning: 'think' });
    acc.apply({ text: 'Hel' });
    expect(acc.read()).toMatchObject({ text: 'Hel', reasoning: 'think' });
    acc.apply({ text: 'lo' });
    acc.apply({ reasoning: 'ing' });
    acc.apply({ text: ', wörld 😀' });
    expect(acc.read()).toMatchObject({ text: 'Hello, wörld 😀', reasoning: 'thinking' });
  });

  it('counts deltas with output; metadata-only deltas are not output', () => {
    const acc = accumulate([
      { id: 'r1', model: 'm' },
      { usage: { inputTokens: 3 } },
      { text: '' }, // empty text carries nothing
    ]);
    expect(acc.hasOutput).toBe(false);
    acc.apply({ text: 'a' });
    acc.apply({ reasoning: 'b' });
    acc.apply({ toolCall: { index: 0, name: 'f' } });
    acc.apply({ finishReason: 'stop', done: true });
    expect(acc.hasOutput).toBe(true);
    expect(acc.outputDeltas).toBe(3);
  });

  it('keeps the first non-empty id and the last non-empty model', () => {
    const acc = accumulate([
      { id: '', model: '' },
      { id: 'resp_1', model: 'gpt-x' },
      { id: 'resp_2', model: 'gpt-x-2025' },
      { id: '', model: '' },
    ]);
    expect(acc.read()).toMatchObject({ id: 'resp_1', model: 'gpt-x-2025' });
  });
});

describe('accumulator: usage', () => {
  it('stays null until a usage delta arrives', () => {
    expect(accumulate([{ text: 'x' }, { finishReason: 'stop' }]).read().usage).toBeNull();
  });

  it('merges field-wise, later values override, total = input + output when not given', () => {
    const acc = accumulate([
      { usage: { inputTokens: 10, cachedInputTokens: 4 } }, // e.g. Anthropic message_start
      { usage: { outputTokens: 1 } },
      { usage: { outputTokens: 25 } }, // e.g. Anthropic message_delta: cumulative, overrides
    ]);
    expect(acc.read().usage).toEqual({ inputTokens: 10, outputTokens: 25, totalTokens: 35, cachedInputTokens: 4 });
  });

  it("prefers the provider's total; optional fields only when reported; missing counts default to 0", () => {
    expect(accumulate([{ usage: { inputTokens: 5, outputTokens: 7, totalTokens: 20, reasoningTokens: 3 } }]).read().usage)
      .toEqual({ inputTokens: 5, outputTokens: 7, totalTokens: 20, reasoningTokens: 3 });
    const onlyOutput = accumulate([{ usage: { outputTokens: 9 } }]).read().usage;
    expect(onlyOutput).toEqual({ inputTokens: 0, outputTokens: 9, totalTokens: 9 });
    expect(Object.keys(onlyOutput ?? {})).toEqual(['inputTokens', 'outputTokens', 'totalTokens']);
  });

  it('ignores fields that are not finite numbers', () => {
    const usage = accumulate([
      { usage: { inputTokens: 4, outputTokens: 2 } },
      { usage: { inputTokens: Number.NaN, outputTokens: undefined } },
    ]).read().usage;
    expect(usage).toEqual({ inputTokens: 4, outputTokens: 2, totalTokens: 6 });
  });
});

describe('accumulator: finishReason', () => {
  it('the last non-empty reason wins', () => {
    expect(accumulate([{ finishReason: 'length' }, { finishReason: '' }]).read().finishReason).toBe('length');
    expect(accumulate([{ finishReason: 'stop' }, { finishReason: 'content_filter' }]).read().finishReason).toBe('content_filter');
  });

  it("'stop' with a tool call in the turn becomes 'tool_calls' (idempotent when already mapped)", () => {
    const stopped = [{ toolCall: { index: 0, id: 'c1', name: 'f', argumentsDelta: '{}' } }, { finishReason: 'stop' }];
    expect(accumulate(stopped).read().finishReason).toBe('tool_calls');
    expect(accumulate([stopped[0], { finishReason: 'tool_calls' }]).read().finishReason).toBe('tool_calls');
    expect(accumulate([stopped[0], { finishReason: 'length' }]).read().finishReason).toBe('length');
    expect(accumulate([{ text: 'hi' }, { finishReason: 'stop' }]).read().finishReason).toBe('stop');
  });

  it("an error delta makes it 'error', and a later reason does not hide that", () => {
    const acc = accumulate([{ text: 'par' }, { error: { message: 'overloaded', code: 'overloaded_error' } }]);
    expect(acc.read().finishReason).toBe('error');
    acc.apply({ finishReason: 'stop', done: true });
    expect(acc.read()).toMatchObject({ finishReason: 'error', text: 'par' });
  });
});

describe('accumulator: tool calls', () => {
  it('groups by index in order of first appearance; first id, first non-empty name, concatenated arguments', () => {
    const acc = accumulate([
      { toolCall: { index: 1, id: 'call_b', name: 'search', argumentsDelta: '{"q":' } },
      { toolCall: { index: 0, id: 'call_a', name: 'weather', argumentsDelta: '{"city":"Par' } },
      { toolCall: { index: 1, id: 'call_other', name: 'search', argumentsDelta: '"cats"}' } }, // name repeated
      { toolCall: { index: 0, name: '', argumentsDelta: 'is"}' } },
    ]);
    const { toolCalls } = acc.read();
    expect(toolCalls.map((c) => [c.id, c.name, c.arguments])).toEqual([
      ['call_b', 'search', '{"q":"cats"}'],
      ['call_a', 'weather', '{"city":"Paris"}'],
    ]);
    // Both argument objects are closed, so both calls are final before any end of turn.
    expect(toolCalls.every((c) => c.complete)).toBe(true);
    expect(toolCalls.map((c) => c.input)).toEqual([{ q: 'cats' }, { city: 'Paris' }]);
  });

  it('leaves the id empty when none was given, and takes a late first id', () => {
    const acc = accumulate([{ toolCall: { index: 0, name: 'f' } }]);
    expect(acc.read().toolCalls[0].id).toBe('');
    acc.apply({ toolCall: { index: 0, id: 'late' } });
    expect(acc.read().toolCalls[0].id).toBe('late');
  });

  it('input is the best-effort parse while the arguments stream', () => {
    const acc = createAccumulator();
    const seen: unknown[] = [];
    for (const fragment of ['{"loc', 'ation":"Ber', 'lin","days":', '3', ',"unit":"c"', '}']) {
      acc.apply({ toolCall: { index: 0, argumentsDelta: fragment } });
      seen.push(acc.read().toolCalls[0].input);
    }
    expect(seen).toEqual([
      {},
      { location: 'Ber' },
      { location: 'Berlin' },
      { location: 'Berlin' }, // 3 may still be 30
      { location: 'Berlin', days: 3, unit: 'c' },
      { location: 'Berlin', days: 3, unit: 'c' },
    ]);
    expect(acc.read().toolCalls[0].complete).toBe(true); // the closing brace makes the arguments final
  });

  it('a call stays open until its arguments close, even when the provider sends no complete signal', () => {
    const acc = accumulate([{ toolCall: { index: 0, id: 'a', name: 'f', argumentsDelta: '{"a":{"b":1}' } }]);
    expect(acc.read().toolCalls[0]).toMatchObject({ complete: false, input: { a: { b: 1 } } });
    acc.apply({ toolCall: { index: 0, argumentsDelta: '}' } });
    expect(acc.read().toolCalls[0]).toMatchObject({ complete: true, input: { a: { b: 1 } } });
  });

  it('a call completes when a delta says so: input is the final parse', () => {
    const acc = accumulate([
      { toolCall: { index: 0, id: 'a', name: 'f', argumentsDelta: '{"n":4' } },
      { toolCall: { index: 0, argumentsDelta: '2}', complete: true } },
      { toolCall: { index: 1, id: 'b', name: 'g', argumentsDelta: '{"x":' } },
    ]);
    const [first, second] = acc.read().toolCalls;
    expect(first).toMatchObject({ complete: true, input: { n: 42 } });
    expect(first.parseError).toBeUndefined();
    expect(second).toMatchObject({ complete: false, input: {} });
  });

  it('a call sent whole (Gemini/Ollama style) is parsed once it is complete', () => {
    const acc = accumulate([
      { toolCall: { index: 0, id: 'gen_1', name: 'lookup', argumentsDelta: '{"ids":[1,2,3]}', complete: true } },
      { finishReason: 'stop', done: true },
    ]);
    expect(acc.read()).toMatchObject({ finishReason: 'tool_calls', toolCalls: [{ input: { ids: [1, 2, 3] }, complete: true }] });
  });

  it('the end of the turn (finishReason or done) completes every open call; an error does not', () => {
    for (const end of [{ finishReason: 'tool_calls' }, { done: true }] satisfies Delta[]) {
      const acc = accumulate([{ toolCall: { index: 0, name: 'f', argumentsDelta: '{"a":[1,2]}' } }, end]);
      expect(acc.read().toolCalls[0]).toMatchObject({ complete: true, input: { a: [1, 2] } });
    }
    const failed = accumulate([{ toolCall: { index: 0, name: 'f', argumentsDelta: '{"a":[1,' } }, { error: { message: 'x' } }]);
    expect(failed.read().toolCalls[0]).toMatchObject({ complete: false, input: { a: [1] } });
  });

  it('empty arguments complete as {}', () => {
    const acc = accumulate([{ toolCall: { index: 0, id: 'c', name: 'now' } }, { toolCall: { index: 1, name: 'ws', argumentsDelta: ' ' } }, { done: true }]);
    expect(acc.read().toolCalls.map((c) => c.input)).toEqual([{}, {}]);
  });

  it('invalid JSON at completion keeps the best-effort input and sets parseError, without throwing', () => {
    const acc = accumulate([
      { toolCall: { index: 0, name: 'f', argumentsDelta: '{"city":"Paris", "days": 3' } },
      { toolCall: { index: 0, argumentsDelta: ', oops}' } },
      { toolCall: { index: 1, name: 'g', argumentsDelta: '{"cut":"off' } },
    ]);
    expect(acc.read().toolCalls[0].input).toEqual({ city: 'Paris', days: 3 }); // before completion: no error yet
    acc.apply({ finishReason: 'tool_calls' });
    let toolCalls: ReturnType<typeof acc.read>['toolCalls'] = [];
    expect(() => (toolCalls = acc.read().toolCalls)).not.toThrow();
    expect(toolCalls[0]).toMatchObject({ complete: true, input: { city: 'Paris', days: 3 } });
    expect(toolCalls[0].parseError).toEqual(expect.any(String));
    expect(toolCalls[1]).toMatchObject({ complete: true, input: { cut: 'off' } });
    expect(toolCalls[1].parseError).toEqual(expect.any(String));
  });

  it('a call completed whole with invalid JSON still gets a best effort', () => {
    const acc = accumulate([{ toolCall: { index: 0, name: 'f', argumentsDelta: '{"a":1,"b":tru', complete: true } }]);
    expect(acc.read().toolCalls[0]).toMatchObject({ input: { a: 1, b: true }, parseError: expect.any(String) });
  });
});

describe('accumulator: identity of read()', () => {
  it('returns the same object while nothing changed', () => {
    const acc = accumulate([{ text: 'a', toolCall: { index: 0, name: 'f', argumentsDelta: '{' } }]);
    const first = acc.read();
    expect(acc.read()).toBe(first);
    acc.apply({ text: '' });
    acc.apply({ model: '' });
    acc.apply({ done: false });
    expect(acc.read()).toBe(first);
  });

  it('unchanged parts keep their identity', () => {
    const acc = accumulate([{ toolCall: { index: 0, name: 'f', argumentsDelta: '{"a":1}' } }, { usage: { inputTokens: 1 } }]);
    const first = acc.read();
    acc.apply({ text: 'more' });
    const second = acc.read();
    expect(second).not.toBe(first);
    expect(second.toolCalls).toBe(first.toolCalls);
    expect(second.usage).toBe(first.usage);
    acc.apply({ usage: { outputTokens: 2 } });
    const third = acc.read();
    expect(third.usage).not.toBe(second.usage);
    expect(third.toolCalls).toBe(first.toolCalls);
    expect(third.text).toBe('more');
    acc.apply({ usage: { outputTokens: 2 } }); // same values: no change
    expect(acc.read()).toBe(third);
  });

  it('a finished tool call keeps its identity while another grows', () => {
    const acc = accumulate([
      { toolCall: { index: 0, id: 'a', name: 'f', argumentsDelta: '{"x":[1,2]}', complete: true } },
      { toolCall: { index: 1, id: 'b', name: 'g', argumentsDelta: '{"y":"' } },
    ]);
    const first = acc.read();
    const finished = first.toolCalls[0];
    const input = finished.input;
    for (const fragment of ['ab', 'cd', '"}']) {
      acc.apply({ toolCall: { index: 1, argumentsDelta: fragment } });
      const next = acc.read();
      expect(next.toolCalls).not.toBe(first.toolCalls);
      expect(next.toolCalls[0]).toBe(finished);
      expect(next.toolCalls[0].input).toBe(input);
    }
    expect(acc.read().toolCalls[1]).toMatchObject({ arguments: '{"y":"abcd"}', input: { y: 'abcd' } });
  });

  it('completed members of a growing input keep their identity between reads', () => {
    const acc = accumulate([{ toolCall: { index: 0, argumentsDelta: '{"done":{"k":[1]},"open":"a' } }]);
    const before = acc.read().toolCalls[0].input as { done: unknown };
    acc.apply({ toolCall: { index: 0, argumentsDelta: 'bc' } });
    const after = acc.read().toolCalls[0].input as { done: unknown; open: string };
    expect(after.done).toBe(before.done);
    expect(after.open).toBe('abc');
  });

  it('objects handed out are never mutated by later deltas', () => {
    const acc = accumulate([{ text: 'a', toolCall: { index: 0, argumentsDelta: '{"l":[1,' } }]);
    const first = acc.read();
    const copy = structuredClone(first);
    acc.apply({ text: 'b', toolCall: { index: 0, argumentsDelta: '2,3]}' } });
    acc.apply({ toolCall: { index: 1, name: 'g' } });
    acc.apply({ usage: { inputTokens: 1 }, finishReason: 'stop' });
    acc.read();
    expect(first).toEqual(copy);
  });
});

describe('accumulator: deltas that change nothing', () => {
  it('keep read() identical, though they still count as output deltas', () => {
    const acc = accumulate([
      { toolCall: { index: 0, id: 'a', name: 'f', argumentsDelta: '{"x":1}' } },
      { toolCall: { index: 1, id: 'b', name: 'g', argumentsDelta: '{}', complete: true } },
    ]);
    const first = acc.read();
    acc.apply({ toolCall: { index: 0, id: 'other', name: 'f' } }); // id and name are already set
    acc.apply({ toolCall: { index: 1, complete: true } }); // already complete
    acc.apply({ toolCall: { index: 0, argumentsDelta: '' } });
    expect(acc.read()).toBe(first);
    expect(acc.outputDeltas).toBe(5);
  });
});
