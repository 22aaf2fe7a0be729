import { describe, expect, it } from 'vitest';
import { createOllamaAdapter } from '../../src/providers';
import { ev, joined, parseAll, toolDeltas } from './helpers';

describe('ollama adapter', () => {
  it('reads /api/generate thinking and response (gpt-oss lines from attogram/ollama-bash-lib)', () => {
    const out = parseAll(
      createOllamaAdapter(),
      ev({ model: 'gpt-oss:20b', created_at: '2025-08-15T22:55:08.508208329Z', response: '', done: false }),
      ev({ model: 'gpt-oss:20b', created_at: '2025-08-15T22:55:08.508229261Z', response: '', thinking: 'Need', done: false }),
      ev({ model: 'gpt-oss:20b', created_at: '2025-08-15T22:55:08.508237282Z', response: '', thinking: ' to', done: false }),
      ev({ model: 'gpt-oss:20b', response: 'Fluffy', done: false }),
    );
    expect(joined(out)).toEqual({ text: 'Fluffy', reasoning: 'Need to' });
    expect(out[0]).toEqual({ model: 'gpt-oss:20b' });
  });

  it('reads /api/chat message.thinking and message.content', () => {
    const out = parseAll(
      createOllamaAdapter(),
      ev({ model: 'qwen3', message: { role: 'assistant', content: '', thinking: 'hm' }, done: false }),
      ev({ model: 'qwen3', message: { role: 'assistant', content: 'Hi' }, done: false }),
    );
    expect(joined(out)).toEqual({ text: 'Hi', reasoning: 'hm' });
  });

  it('emits whole tool calls, stringifying object arguments and generating ids when none are sent', () => {
    const a = createOllamaAdapter();
    const out = parseAll(
      a,
      ev({ model: 'llama3.2', message: { role: 'assistant', content: '', tool_calls: [
        { function: { name: 'get_weather', arguments: { city: 'Toronto' } } },
        { function: { name: 'raw', arguments: '{"a":1}' } },
      ] }, done: false }),
      ev({ model: 'llama3.2', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', prompt_eval_count: 10, eval_count: 3 }),
    );
    const calls = toolDeltas(out);
    expect(calls.map(({ id: _id, ...rest }) => rest)).toEqual([
      { index: 0, name: 'get_weather', argumentsDelta: '{"city":"Toronto"}', complete: true },
      { index: 1, name: 'raw', argumentsDelta: '{"a":1}', complete: true },
    ]);
    expect(calls[0].id).toMatch(/^call_/);
    expect(calls[0].id).not.toBe(calls[1].id);
    expect(out.at(-1)).toEqual({ finishReason: 'tool_calls', usage: { inputTokens: 10, outputTokens: 3, totalTokens: 13 }, done: true });
  });

  it('passes done_reason through (length, load) and reports no usage when no counts are given', () => {
    expect(parseAll(createOllamaAdapter(), ev({ response: '', done: true, done_reason: 'length', prompt_eval_count: 1, eval_count: 2 })).at(-1)).toMatchObject({ finishReason: 'length', done: true });
    expect(parseAll(createOllamaAdapter(), ev({ model: 'm', message: { role: 'assistant', content: '' }, done: true, done_reason: 'load' }))).toEqual([
      { model: 'm', finishReason: 'load', done: true },
    ]);
  });

  it('turns an {"error": "..."} line into a terminal error delta', () => {
    expect(parseAll(createOllamaAdapter(), ev({ error: 'an error was encountered while running the model' }))).toEqual([
      { error: { message: 'an error was encountered while running the model' }, finishReason: 'error', done: true },
    ]);
  });

  it("passes a relay's extra code on (a stop in another tab is 'cancelled'); a non-string code is ignored", () => {
    expect(parseAll(createOllamaAdapter(), ev({ error: 'The stream was cancelled', code: 'cancelled' }))).toEqual([
      { error: { message: 'The stream was cancelled', code: 'cancelled' }, finishReason: 'error', done: true },
    ]);
    expect(parseAll(createOllamaAdapter(), ev({ error: 'x', code: { nested: true } }))[0].error).toEqual({ message: 'x' });
  });

  it('throws a parse StreamError for a malformed line', () => {
    expect(() => createOllamaAdapter().parse(ev('{"model":"m","response":"x"'))).toThrow(/ollama: invalid JSON/);
  });
});
