import { describe, expect, it } from 'vitest';
import { createGeminiAdapter } from '../../src/providers';
import { ev, joined, parseAll, toolDeltas } from './helpers';

const chunk = (parts: object[], extra: object = {}) => ({
  candidates: [{ content: { parts, role: 'model' }, index: 0, ...extra }],
  modelVersion: 'gemini-2.5-flash',
  responseId: 'resp-1',
});

describe('gemini adapter', () => {
  it('separates thought parts (reasoning) from text parts', () => {
    const out = parseAll(
      createGeminiAdapter(),
      ev(chunk([{ text: '**Plan**', thought: true }])),
      ev(chunk([{ text: 'Answer', thoughtSignature: 'Cikx' }])),
    );
    expect(joined(out)).toEqual({ text: 'Answer', reasoning: '**Plan**' });
    expect(out[0]).toMatchObject({ model: 'gemini-2.5-flash', id: 'resp-1' });
  });

  it('emits whole function calls with generated unique ids (or the id Gemini gives), complete at once', () => {
    const a = createGeminiAdapter();
    const out = parseAll(
      a,
      ev(chunk([{ functionCall: { name: 'weather', args: { city: 'Paris' } } }, { functionCall: { name: 'time', args: {} } }])),
      ev(chunk([{ functionCall: { id: 'fc-7', name: 'noargs' } }])),
    );
    const calls = toolDeltas(out);
    expect(calls.map(({ id: _id, ...rest }) => rest)).toEqual([
      { index: 0, name: 'weather', argumentsDelta: '{"city":"Paris"}', complete: true },
      { index: 1, name: 'time', argumentsDelta: '{}', complete: true },
      { index: 2, name: 'noargs', argumentsDelta: '{}', complete: true },
    ]);
    expect(calls[0].id).toMatch(/^call_/);
    expect(calls[1].id).toMatch(/^call_/);
    expect(calls[0].id).not.toBe(calls[1].id);
    expect(calls[2].id).toBe('fc-7');
    const other = toolDeltas(parseAll(createGeminiAdapter(), ev(chunk([{ functionCall: { name: 'weather', args: {} } }]))));
    expect(other[0].id).not.toBe(calls[0].id);
  });

  it('ends with tool_calls when STOP comes after function calls; completion comes from end(), never from parse', () => {
    const a = createGeminiAdapter();
    parseAll(a, ev(chunk([{ functionCall: { name: 'f', args: {} } }])));
    const last = parseAll(a, ev(chunk([{ text: '' }], { finishReason: 'STOP' })));
    expect(last.at(-1)).toMatchObject({ finishReason: 'tool_calls' });
    expect(last.some((d) => d.done)).toBe(false);
    expect(a.end?.()).toEqual({ done: true });
    const plain = createGeminiAdapter();
    expect(parseAll(plain, ev(chunk([{ text: 'ok' }], { finishReason: 'STOP' }))).at(-1)).toEqual({ text: 'ok', model: 'gemini-2.5-flash', id: 'resp-1', finishReason: 'stop' });
    expect(plain.end?.()).toEqual({ done: true });
  });

  it('reads on after a finishReason: repeated STOP on every chunk, or an intermediate STOP, loses no text', () => {
    const a = createGeminiAdapter();
    const out = parseAll(
      a,
      ev(chunk([{ text: 'The' }], { finishReason: 'STOP' })),
      ev(chunk([{ text: ' answer' }], { finishReason: 'STOP' })),
      // After an intermediate STOP (code execution), chunks without a finishReason go on.
      ev(chunk([{ executableCode: { language: 'PYTHON', code: 'print(6*7)' } }])),
      ev(chunk([{ text: ' is 42.' }], { finishReason: 'STOP' })),
    );
    expect(joined(out).text).toBe('The answer is 42.');
    expect(out.some((d) => d.done)).toBe(false);
    expect(a.end?.()).toEqual({ done: true });
  });

  it('is not complete at a clean end without any finishReason (a drop)', () => {
    const a = createGeminiAdapter();
    parseAll(a, ev(chunk([{ text: 'Half an ans' }])));
    expect(a.end?.()).toBeNull();
  });

  it('keeps the last usage when every chunk repeats it', () => {
    const usage = (candidates: number) => ({ promptTokenCount: 5, candidatesTokenCount: candidates, totalTokenCount: 5 + candidates });
    const out = parseAll(
      createGeminiAdapter(),
      ev({ ...chunk([{ text: 'a' }]), usageMetadata: usage(1) }),
      ev({ ...chunk([{ text: 'b' }], { finishReason: 'STOP' }), usageMetadata: usage(2) }),
    );
    expect(out.filter((d) => d.usage).at(-1)?.usage).toEqual({ inputTokens: 5, outputTokens: 2, totalTokens: 7 });
  });

  it('refuses a first event of another protocol with a wrong_protocol parse error quoting it', () => {
    expect(() => createGeminiAdapter().parse(ev({ choices: [{ index: 0, delta: { content: 'hi' } }] }))).toThrow(
      expect.objectContaining({ kind: 'parse', code: 'wrong_protocol', message: expect.stringContaining('"choices"') }),
    );
  });

  it.each([
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content_filter'],
    ['RECITATION', 'content_filter'],
    ['BLOCKLIST', 'content_filter'],
    ['PROHIBITED_CONTENT', 'content_filter'],
    ['SPII', 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', 'MALFORMED_FUNCTION_CALL'],
  ])('maps finishReason %s to %s', (reason, mapped) => {
    const a = createGeminiAdapter();
    expect(parseAll(a, ev(chunk([], { finishReason: reason }))).at(-1)).toMatchObject({ finishReason: mapped });
    expect(a.end?.()).toEqual({ done: true });
  });

  it('ends a blocked prompt (promptFeedback, no candidates) as content_filter', () => {
    const blocked = { promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: { promptTokenCount: 7, totalTokenCount: 7 } };
    const a = createGeminiAdapter();
    expect(parseAll(a, ev(blocked))).toEqual([
      { finishReason: 'content_filter', usage: { inputTokens: 7, outputTokens: 0, totalTokens: 7 } },
    ]);
    expect(a.end?.()).toEqual({ done: true });
  });

  it('normalizes usage from a real chunk with cached, tool-use prompt and thought tokens', () => {
    // vercel/ai packages/google/src/__fixtures__/google-usage-raw-live.chunks.txt
    const raw = 'data: {"usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":71,"totalTokenCount":237,"cachedContentTokenCount":4,"promptTokensDetails":[{"modality":"TEXT","tokenCount":12}],"cacheTokensDetails":[{"modality":"TEXT","tokenCount":4}],"toolUsePromptTokenCount":65,"toolUsePromptTokensDetails":[{"modality":"TEXT","tokenCount":65}],"thoughtsTokenCount":89,"serviceTier":"standard"}}';
    expect(parseAll(createGeminiAdapter(), ev(raw.slice('data: '.length)))).toEqual([
      { usage: { inputTokens: 77, outputTokens: 160, totalTokens: 237, cachedInputTokens: 4, reasoningTokens: 89 } },
    ]);
  });

  it('turns an in-band error into a terminal error delta with the status as code', () => {
    const error = { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } };
    expect(parseAll(createGeminiAdapter(), ev(error))).toEqual([
      { error: { message: 'The model is overloaded.', code: 'UNAVAILABLE' }, finishReason: 'error', done: true },
    ]);
  });

  it("reads a relay's stop as google.rpc CANCELLED (code 499)", () => {
    const error = { error: { code: 499, message: 'The stream was cancelled', status: 'CANCELLED' } };
    expect(parseAll(createGeminiAdapter(), ev(error))).toEqual([
      { error: { message: 'The stream was cancelled', code: 'CANCELLED' }, finishReason: 'error', done: true },
    ]);
  });

  it('throws a parse StreamError for malformed JSON', () => {
    expect(() => createGeminiAdapter().parse(ev('{"candidates": ['))).toThrow(/gemini: invalid JSON/);
  });
});
