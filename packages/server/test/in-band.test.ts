import { createProviderAdapter, type Delta } from '@tokenstream/core';
import { describe, expect, it } from 'vitest';
import { inBandError, type ErrorShape, type RelayFailure } from '../src/in-band.ts';

const CANCELLED: RelayFailure = { message: 'The stream was cancelled', type: 'api_error', code: 'cancelled' };
const DROPPED: RelayFailure = { message: 'The upstream dropped', type: 'api_error', code: 'upstream_dropped' };
const HTTP_529: RelayFailure = { message: 'Upstream HTTP 529: Overloaded', type: 'overloaded_error', code: 'http_529', status: 529 };
const HTTP_503: RelayFailure = { message: 'Upstream HTTP 503: busy', type: 'server_error', code: 'http_503', status: 503 };

/** The error core's adapter for `provider` reads from the relay's event (what a following tab shows). */
function readByCore(provider: Parameters<typeof createProviderAdapter>[0], shape: ErrorShape | null, failure: RelayFailure): Delta['error'] {
  const event = inBandError(shape, failure);
  const out = createProviderAdapter(provider)!.parse({ ...event, id: '' });
  const deltas = out === null ? [] : Array.isArray(out) ? out : [out];
  expect(deltas).toHaveLength(1);
  expect(deltas[0]).toMatchObject({ finishReason: 'error', done: true });
  return deltas[0].error;
}

describe('inBandError: the stop (code cancelled) in each protocol', () => {
  it('Anthropic: its error event with its documented type and the relay\'s extra code', () => {
    expect(inBandError('anthropic', CANCELLED)).toEqual({ event: 'error', data: JSON.stringify({ type: 'error',
      error: { type: 'api_error', message: 'The stream was cancelled', code: 'cancelled' } }) });
  });

  it('Gemini: google.rpc CANCELLED (HTTP 499), the protocol\'s own name for it', () => {
    expect(JSON.parse(inBandError('gemini', CANCELLED).data)).toEqual({
      error: { code: 499, message: 'The stream was cancelled', status: 'CANCELLED' } });
  });

  it('Ollama: its bare-message error with the relay\'s extra code', () => {
    expect(inBandError('ollama', CANCELLED)).toEqual({ event: '', data: '{"error":"The stream was cancelled","code":"cancelled"}' });
  });

  it.each([
    ['anthropic', 'anthropic', 'cancelled'],
    ['gemini', 'gemini', 'CANCELLED'],
    ['ollama', 'ollama', 'cancelled'],
    ['openai', 'openai', 'cancelled'],
    ['openai-responses', 'openai-responses', 'cancelled'],
  ] as const)('core\'s %s adapter reads the stop\'s code', (shape, provider, code) => {
    expect(readByCore(provider, shape, CANCELLED)).toEqual({ message: 'The stream was cancelled', code });
  });
});

describe('inBandError: other failures', () => {
  it('the relay\'s own failures carry their code to the client in Anthropic and Ollama too', () => {
    expect(readByCore('anthropic', 'anthropic', DROPPED)).toEqual({ message: 'The upstream dropped', code: 'upstream_dropped' });
    expect(readByCore('ollama', 'ollama', DROPPED)).toEqual({ message: 'The upstream dropped', code: 'upstream_dropped' });
  });

  it('an upstream HTTP error keeps Anthropic\'s own form: its type stays the code core shows', () => {
    expect(JSON.parse(inBandError('anthropic', HTTP_529).data)).toEqual({ type: 'error',
      error: { type: 'overloaded_error', message: 'Upstream HTTP 529: Overloaded' } });
    expect(readByCore('anthropic', 'anthropic', HTTP_529)?.code).toBe('overloaded_error');
  });

  it('Gemini keeps the HTTP status\'s google.rpc name, INTERNAL for the relay\'s own failures: only a stop is CANCELLED', () => {
    expect(JSON.parse(inBandError('gemini', HTTP_503).data)).toEqual({ error: { code: 503, message: 'Upstream HTTP 503: busy', status: 'UNAVAILABLE' } });
    expect(JSON.parse(inBandError('gemini', DROPPED).data)).toEqual({ error: { code: 500, message: 'The upstream dropped', status: 'INTERNAL' } });
    expect(readByCore('gemini', 'gemini', DROPPED)?.code).toBe('INTERNAL');
  });

  it('an unknown shape gets OpenAI\'s error object, which core\'s auto adapter reads with its code', () => {
    expect(JSON.parse(inBandError(null, CANCELLED).data)).toEqual({
      error: { message: 'The stream was cancelled', type: 'api_error', param: null, code: 'cancelled' } });
    expect(readByCore('auto', null, DROPPED)).toEqual({ message: 'The upstream dropped', code: 'upstream_dropped' });
  });
});
