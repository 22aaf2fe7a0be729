import { describe, expect, it } from 'vitest';
import { createStream } from '../src/stream';
import type { StreamSnapshot } from '../src/types';
import { providerFixtures, type ExpectedOutput, type ProviderFixture } from './fixtures';
import { chunkEvery, chunkRandomly, scriptedFetch, streamResponse } from '@tokenstream/test-utils';

// Every captured provider stream, end to end through createStream: the fixture's bytes served by a fetch, split in
// every way a network may split them, with the provider named and with provider 'auto'.

async function replay(fixture: ProviderFixture, chunks: Uint8Array[], provider: 'auto' | ProviderFixture['provider']): Promise<StreamSnapshot> {
  const { fetch } = scriptedFetch((r) => streamResponse({ chunks }, { signal: r.signal, headers: { 'content-type': fixture.contentType } }));
  return createStream({ url: 'http://provider.test', fetch, provider, retry: false, throttle: 0 }).start();
}

function expectMatches(snapshot: StreamSnapshot, expected: ExpectedOutput, label: string): void {
  expect(snapshot.text, label).toBe(expected.text);
  expect(snapshot.reasoning, label).toBe(expected.reasoning);
  expect(snapshot.usage, label).toEqual(expected.usage);
  expect(snapshot.finishReason, label).toBe(expected.finishReason);
  expect(snapshot.model, label).toBe(expected.model);
  expect(snapshot.id, label).toBe(expected.id);
  expect(snapshot.toolCalls, label).toHaveLength(expected.toolCalls.length);
  expected.toolCalls.forEach((call, i) => {
    const actual = snapshot.toolCalls[i]!;
    expect(actual, label).toMatchObject({ name: call.name, arguments: call.arguments, input: call.input, complete: call.complete });
    if (call.id) expect(actual.id, label).toBe(call.id);
    else expect(actual.id, label).toMatch(/\S/);
  });
  if (expected.error) {
    expect(snapshot.status, label).toBe('error');
    expect(snapshot.error, label).toMatchObject({ kind: 'provider', message: expected.error.message });
  } else {
    expect(snapshot.status, label).toBe('done');
    expect(snapshot.error, label).toBeNull();
  }
}

describe('provider fixtures through createStream', () => {
  it('has fixtures for every provider', () => {
    expect(new Set(providerFixtures.map((f) => f.provider))).toEqual(new Set(['openai', 'openai-responses', 'anthropic', 'gemini', 'ollama']));
  });

  for (const fixture of providerFixtures) {
    it(fixture.name, async () => {
      const data = fixture.bytes();
      const splits: Array<[string, Uint8Array[]]> = [
        ['whole', [data]],
        ['1-byte chunks', chunkEvery(data, 1)],
        ['3-byte chunks', chunkEvery(data, 3)],
        ...[1, 2, 3, 4, 5].map((seed): [string, Uint8Array[]] => [`random chunks seed ${seed}`, chunkRandomly(data, seed, 97)]),
      ];
      for (const [how, chunks] of splits) {
        expectMatches(await replay(fixture, chunks, fixture.provider), fixture.expected, `${how}, provider ${fixture.provider}`);
      }
      expectMatches(await replay(fixture, chunkRandomly(data, 42, 50), 'auto'), fixture.expected, 'provider auto');
    });
  }
});
