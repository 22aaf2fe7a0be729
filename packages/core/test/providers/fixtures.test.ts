import { describe, expect, it } from 'vitest';
import { createAccumulator } from '../../src/accumulate/accumulator';
import { createProviderAdapter } from '../../src/providers';
import type { Delta, ProviderAdapter, RawEvent } from '../../src/types';
import { type ProviderFixture, providerFixtures } from '../fixtures';
import { splitNdjson, splitSse } from './split-events';

function eventsOf(fixture: ProviderFixture): RawEvent[] {
  const body = new TextDecoder().decode(fixture.bytes());
  return fixture.format === 'sse' ? splitSse(body) : splitNdjson(body);
}

const asList = (out: Delta | Delta[] | null): Delta[] => (out === null ? [] : Array.isArray(out) ? out : [out]);

/** Feeds events like the stream engine does: until the first terminal delta, else end() at the clean end of body. */
function run(adapter: ProviderAdapter, events: RawEvent[]): { deltas: Delta[]; consumed: number } {
  const deltas: Delta[] = [];
  let consumed = 0;
  for (const event of events) {
    consumed++;
    const list = asList(adapter.parse(event));
    deltas.push(...list);
    if (list.some((d) => d.done)) return { deltas, consumed };
  }
  deltas.push(...asList(adapter.end?.() ?? null));
  return { deltas, consumed };
}

function checkAgainstExpected(fixture: ProviderFixture, deltas: Delta[]): void {
  const { expected } = fixture;
  const accumulator = createAccumulator();
  for (const delta of deltas) accumulator.apply(delta);
  const out = accumulator.read();

  expect(out.text).toBe(expected.text);
  expect(out.reasoning).toBe(expected.reasoning);
  expect(out.usage).toEqual(expected.usage);
  expect(out.finishReason).toBe(expected.finishReason);
  expect(out.model).toBe(expected.model);
  expect(out.id).toBe(expected.id);
  expect(out.toolCalls).toHaveLength(expected.toolCalls.length);
  out.toolCalls.forEach((call, i) => {
    const want = expected.toolCalls[i];
    if (want.id === undefined) expect(call.id).toMatch(/^call_/);
    else expect(call.id).toBe(want.id);
    expect({ name: call.name, arguments: call.arguments, input: call.input, complete: call.complete }).toEqual({
      name: want.name,
      arguments: want.arguments,
      input: want.input,
      complete: want.complete,
    });
  });

  // Independent of the accumulator: the deltas themselves carry exactly the text and reasoning.
  expect(deltas.map((d) => d.text ?? '').join('')).toBe(expected.text);
  expect(deltas.map((d) => d.reasoning ?? '').join('')).toBe(expected.reasoning);
  const errors = deltas.filter((d) => d.error);
  if (expected.error) {
    expect(errors).toHaveLength(1);
    expect(errors[0].error).toEqual(expected.error);
  } else {
    expect(errors).toHaveLength(0);
  }
}

describe('provider fixtures', () => {
  it('lists every provider folder', () => {
    const providers = new Set(providerFixtures.map((f) => f.provider));
    expect([...providers].sort()).toEqual(['anthropic', 'gemini', 'ollama', 'openai', 'openai-responses']);
  });

  describe.each(providerFixtures.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
    const events = eventsOf(fixture);

    it('ends with the terminal signal on the last meaningful event', () => {
      const { deltas, consumed } = run(createProviderAdapter(fixture.provider)!, events);
      expect(deltas.filter((d) => d.done)).toHaveLength(1);
      expect(deltas[deltas.length - 1].done).toBe(true);
      // What follows the terminal event carries nothing (OpenAI's [DONE] after an in-band error).
      const rest = run(createProviderAdapter(fixture.provider)!, events).deltas.length;
      expect(rest).toBe(deltas.length);
      for (const event of events.slice(consumed)) expect(event.data.trim()).toBe('[DONE]');
    });

    it('matches the expected snapshot fields with the named adapter', () => {
      checkAgainstExpected(fixture, run(createProviderAdapter(fixture.provider)!, events).deltas);
    });

    it('matches the expected snapshot fields with provider auto-detection', () => {
      checkAgainstExpected(fixture, run(createProviderAdapter('auto')!, events).deltas);
    });
  });
});
