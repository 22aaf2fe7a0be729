import { describe, expect, it } from 'vitest';
import { StreamError } from '../../src/errors';
import { createAutoAdapter, createProviderAdapter, detectProvider } from '../../src/providers';
import type { ProviderAdapter } from '../../src/types';
import { ev, parseAll } from './helpers';

describe('provider detection', () => {
  it.each([
    ['anthropic event name', ev({ type: 'message_start', message: {} }, 'message_start'), 'anthropic'],
    ['anthropic shape without event name', ev({ type: 'content_block_delta', index: 0, delta: {} }), 'anthropic'],
    ['responses event name', ev({ type: 'response.created', response: {} }, 'response.created'), 'openai-responses'],
    ['responses shape without event name', ev({ type: 'response.output_text.delta', delta: 'x' }), 'openai-responses'],
    ['openai choices', ev({ id: 'c', choices: [{ index: 0, delta: { role: 'assistant' } }] }), 'openai'],
    ['azure empty choices', ev({ choices: [], prompt_filter_results: [] }), 'openai'],
    ['openai [DONE]', ev('[DONE]'), 'openai'],
    ['gemini candidates', ev({ candidates: [{ content: { parts: [{ text: 'x' }] } }] }), 'gemini'],
    ['gemini usage-only chunk', ev({ usageMetadata: { promptTokenCount: 1 } }), 'gemini'],
    ['ollama chat', ev({ model: 'm', message: { role: 'assistant', content: 'x' }, done: false }), 'ollama'],
    ['ollama generate', ev({ model: 'm', response: 'x', done: false }), 'ollama'],
  ] as const)('%s', (_label, event, provider) => {
    expect(detectProvider(event)).toBe(provider);
  });

  it('waits through blank events before deciding', () => {
    expect(detectProvider(ev(''))).toBeNull();
    const auto = createAutoAdapter();
    expect(parseAll(auto, ev(''), ev('   '))).toEqual([]);
    expect(parseAll(auto, ev({ model: 'm', response: 'hi', done: false }))).toEqual([{ model: 'm', text: 'hi' }]);
  });

  it.each([
    ['openai', ev({ error: { message: 'quota', type: 'insufficient_quota', code: 'insufficient_quota' } }), { message: 'quota', code: 'insufficient_quota' }],
    ['anthropic', ev({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 'error'), { message: 'Overloaded', code: 'overloaded_error' }],
    ['openai-responses', ev({ type: 'error', code: 'server_error', message: 'boom', param: null }, 'error'), { message: 'boom', code: 'server_error' }],
    ['gemini', ev({ error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED' } }), { message: 'Quota exceeded', code: 'RESOURCE_EXHAUSTED' }],
    ['ollama', ev({ error: "model 'nope' not found" }), { message: "model 'nope' not found" }],
  ] as const)('recognises an in-band %s error as the first event', (_provider, event, error) => {
    expect(parseAll(createAutoAdapter(), event)).toEqual([{ error, finishReason: 'error', done: true }]);
  });

  it('refuses an unknown shape with a parse error naming the event and the start of the data', () => {
    const data = JSON.stringify({ hello: 'world', padding: 'x'.repeat(300) });
    let caught: unknown;
    try {
      createAutoAdapter().parse(ev(data, 'greeting'));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StreamError);
    const error = caught as StreamError;
    expect(error.kind).toBe('parse');
    expect(error.message).toContain('"greeting"');
    expect(error.message).toContain(data.slice(0, 100));
    expect(error.message).not.toContain(data.slice(0, 101));
    expect(() => createAutoAdapter().parse(ev('plain text, not JSON'))).toThrow(/auto: invalid JSON/);
    expect(() => createAutoAdapter().parse(ev('[1,2,3]'))).toThrow(/auto: unrecognised stream event/);
  });

  it('keeps the detected adapter for the rest of the stream (its state included)', () => {
    const auto = createAutoAdapter();
    parseAll(auto, ev({ candidates: [{ content: { parts: [{ functionCall: { name: 'f', args: {} } }] }, index: 0 }] }));
    expect(parseAll(auto, ev({ candidates: [{ content: { parts: [] }, finishReason: 'STOP', index: 0 }] })).at(-1)).toMatchObject({
      finishReason: 'tool_calls',
      done: true,
    });
  });
});

describe('createProviderAdapter', () => {
  it('returns null for none, auto detection for auto/undefined, and a named adapter otherwise', () => {
    expect(createProviderAdapter('none')).toBeNull();
    expect(createProviderAdapter(undefined)?.name).toBe('auto');
    expect(createProviderAdapter('auto')?.name).toBe('auto');
    for (const name of ['openai', 'openai-responses', 'anthropic', 'gemini', 'ollama'] as const) {
      expect(createProviderAdapter(name)?.name).toBe(name);
    }
  });

  it('returns a user adapter as is', () => {
    const custom: ProviderAdapter = { name: 'mine', parse: (e) => ({ text: e.data }) };
    expect(createProviderAdapter(custom)).toBe(custom);
  });

  it('gives every stream a fresh adapter (no state shared between streams)', () => {
    const first = createProviderAdapter('gemini')!;
    parseAll(first, ev({ candidates: [{ content: { parts: [{ functionCall: { name: 'f', args: {} } }] }, index: 0 }] }));
    const second = createProviderAdapter('gemini')!;
    expect(second).not.toBe(first);
    expect(parseAll(second, ev({ candidates: [{ content: { parts: [] }, finishReason: 'STOP', index: 0 }] })).at(-1)?.finishReason).toBe('stop');
  });

  it('rejects an unknown provider name with a clear error', () => {
    expect(() => createProviderAdapter('cohere' as never)).toThrow(/unknown provider "cohere"/);
  });
});
