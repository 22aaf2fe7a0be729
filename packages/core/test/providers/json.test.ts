import { describe, expect, it } from 'vitest';
import { createAccumulator } from '../../src/accumulate/accumulator';
import { createJsonAdapter, isJsonChunkEvent } from '../../src/providers';
import type { Delta } from '../../src/types';
import { ev, joined, parseAll } from './helpers';
import { splitNdjson, splitSse } from './split-events';

function snapshotOf(deltas: Delta[]) {
  const accumulator = createAccumulator();
  for (const delta of deltas) accumulator.apply(delta);
  return accumulator.read();
}

describe('json adapter (hand-written backends)', () => {
  it.each(['content', 'text', 'delta', 'token', 'response'])('reads text from {%s}', (field) => {
    const a = createJsonAdapter();
    expect(parseAll(a, ev({ [field]: 'Hel' }), ev({ [field]: 'lo' }))).toEqual([{ text: 'Hel' }, { text: 'lo' }]);
  });

  it('ends on [DONE], {"done": true} and {"type": "done"}', () => {
    expect(parseAll(createJsonAdapter(), ev({ content: 'a' }), ev('[DONE]')).at(-1)).toEqual({ done: true });
    expect(parseAll(createJsonAdapter(), ev({ content: 'a' }), ev({ done: true }))).toEqual([{ text: 'a' }, { done: true }]);
    expect(parseAll(createJsonAdapter(), ev({ type: 'done' }))).toEqual([{ done: true }]);
    // A last chunk may carry text and the terminal together.
    expect(parseAll(createJsonAdapter(), ev({ content: 'end', done: true }))).toEqual([{ text: 'end', done: true }]);
  });

  it('completes at a clean close with no terminal signal (many backends send none)', () => {
    const a = createJsonAdapter();
    parseAll(a, ev({ content: 'whole answer' }));
    expect(a.end?.()).toEqual({ done: true });
  });

  it('turns {"error": "..."} and {"error": {"message"}} into in-band errors', () => {
    expect(parseAll(createJsonAdapter(), ev({ content: 'part' }), ev({ error: 'Rate limited' })).at(-1)).toEqual({
      error: { message: 'Rate limited' },
      finishReason: 'error',
      done: true,
    });
    expect(parseAll(createJsonAdapter(), ev({ error: { message: 'boom', code: 'overloaded' } }))).toEqual([
      { error: { message: 'boom', code: 'overloaded' }, finishReason: 'error', done: true },
    ]);
    // A route's `event: error` with {"message"} is an error too, never skipped into a `done`.
    expect(parseAll(createJsonAdapter(), ev({ content: 'part' }), ev({ message: 'Upstream failed' }, 'error')).at(-1)).toEqual({
      error: { message: 'Upstream failed' },
      finishReason: 'error',
      done: true,
    });
    expect(parseAll(createJsonAdapter(), ev({ content: 'part' }), ev('Model overloaded', 'error')).at(-1)).toMatchObject({
      error: { message: 'Model overloaded' },
      done: true,
    });
    // `error: null` beside content is no error.
    expect(parseAll(createJsonAdapter(), ev({ content: 'ok', error: null }))).toEqual([{ text: 'ok' }]);
  });

  it('maps finish_reason / finishReason, and reads reasoning and usage when present', () => {
    const out = parseAll(
      createJsonAdapter(),
      ev({ reasoning: 'think', content: '' }),
      ev({ content: 'x', finishReason: 'max_tokens' }),
      ev({ done: true, usage: { prompt_tokens: 4, completion_tokens: 2 } }),
    );
    expect(out).toEqual([
      { reasoning: 'think' },
      { text: 'x', finishReason: 'length' },
      { usage: { inputTokens: 4, outputTokens: 2, totalTokens: 6 }, done: true },
    ]);
    expect(parseAll(createJsonAdapter(), ev({ text: 'y', finish_reason: 'stop' }))).toEqual([{ text: 'y', finishReason: 'stop' }]);
  });

  it('skips unknown later chunks (a recognised stream with a new chunk kind), but refuses a foreign first event', () => {
    const a = createJsonAdapter();
    expect(parseAll(a, ev({ content: 'a' }), ev({ type: 'heartbeat' }), ev({ content: 'b' }))).toEqual([{ text: 'a' }, { text: 'b' }]);
    expect(() => createJsonAdapter().parse(ev({ choices: [{ delta: { content: 'x' } }] }))).toThrow(
      expect.objectContaining({ kind: 'parse', code: 'wrong_protocol' }),
    );
    expect(() => createJsonAdapter().parse(ev({ hello: 'world' }))).toThrow(expect.objectContaining({ code: 'wrong_protocol' }));
  });

  it('reads the plain-text tutorial route: each SSE data is a token (or a JSON string), [DONE] or a clean end completes', () => {
    const a = createJsonAdapter();
    expect(parseAll(a, ev('Hello'), ev(' plain'), ev(JSON.stringify(' text')), ev('[DONE]'))).toEqual([
      { text: 'Hello' }, { text: ' plain' }, { text: ' text' }, { done: true },
    ]);
    expect(isJsonChunkEvent(ev('Hello'), undefined)).toBe(true);
    // Named events are not plain text (a foreign protocol's event), and broken JSON is not text either.
    expect(isJsonChunkEvent({ event: 'token', data: 'x', id: '' }, undefined)).toBe(false);
    expect(isJsonChunkEvent(ev('{"content": "b'), undefined)).toBe(false);
  });

  it('fails a malformed line with an invalid-JSON parse error quoting it, not a blank answer', () => {
    const a = createJsonAdapter();
    parseAll(a, ev({ content: 'a' }));
    expect(() => a.parse(ev('{"content": "b'))).toThrow(expect.objectContaining({ kind: 'parse', message: expect.stringMatching(/json: invalid JSON/) }));
  });

  it('does not claim arbitrary JSON, provider chunks, or non-string text fields', () => {
    const claims = (data: unknown) => isJsonChunkEvent(ev(data), typeof data === 'string' ? undefined : data);
    expect(claims({ hello: 'world' })).toBe(false);
    expect(claims({ content: 5 })).toBe(false);
    expect(claims({ choices: [], content: 'x' })).toBe(false);
    expect(claims({ candidates: [] })).toBe(false);
    expect(claims({ done: false })).toBe(false);
    expect(claims([1, 2])).toBe(false);
    expect(claims({ content: '' })).toBe(true);
  });

  it('reads the tutorial Express route (SSE {content} + [DONE]) and an NDJSON route ending with {done:true}', () => {
    // The shape of the usual tutorial route: res.write(`data: ${JSON.stringify({ content })}\n\n`) per token.
    const sse = 'data: {"content":"The"}\n\ndata: {"content":" answer"}\n\n: keep-alive\n\ndata: {"content":" is 42."}\n\ndata: [DONE]\n\n';
    const a = createJsonAdapter();
    const out = parseAll(a, ...splitSse(sse));
    expect(snapshotOf(out)).toMatchObject({ text: 'The answer is 42.' });
    expect(out.at(-1)).toEqual({ done: true });

    const ndjson = '{"text":"Bonjour"}\n{"text":" !"}\n{"done":true,"finishReason":"stop"}\n';
    const b = createJsonAdapter();
    const lines = parseAll(b, ...splitNdjson(ndjson));
    expect(joined(lines).text).toBe('Bonjour !');
    expect(lines.at(-1)).toEqual({ finishReason: 'stop', done: true });
  });

  it('handles a huge chunk without loss', () => {
    const big = 'x'.repeat(1_000_000);
    expect(parseAll(createJsonAdapter(), ev({ content: big }))[0].text).toHaveLength(1_000_000);
  });
});
