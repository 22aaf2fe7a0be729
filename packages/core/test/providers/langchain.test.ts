import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createAccumulator } from '../../src/accumulate/accumulator';
import { createAutoAdapter, createLangChainAdapter } from '../../src/providers';
import type { Delta, ProviderAdapter, RawEvent } from '../../src/types';
import { ev, joined, parseAll, toolDeltas } from './helpers';
import { splitSse } from './split-events';

const fixture = (name: string) => splitSse(readFileSync(new URL(`../fixtures/langchain/${name}`, import.meta.url), 'utf8'));

/** What the engine does: parse every event, then end() at the clean end of body unless a delta said done. */
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

describe('langchain adapter', () => {
  it('reads HttpResponseOutputParser output (captured from the real library), whose event: end is never dispatched', () => {
    const events = fixture('http-response-parser-text.sse');
    // The WHATWG reading of the capture has no end event: `event: end` comes without a data line.
    expect(events.every((e) => e.event === 'data')).toBe(true);
    for (const adapter of [createLangChainAdapter(), createAutoAdapter()]) {
      const deltas = runToEnd(adapter, events);
      expect(joined(deltas).text).toBe('Héllo, "world" 👋\nline two');
      expect(deltas.at(-1)).toEqual({ done: true });
    }
  });

  it('keeps a structured output (JsonOutputParser) as state, the latest chunk, with no text', () => {
    const deltas = runToEnd(createLangChainAdapter(), fixture('http-response-parser-json.sse'));
    const snapshot = snapshotOf(deltas);
    expect(snapshot.text).toBe('');
    expect(snapshot.state).toEqual({ city: 'Paris', temp: 21 });
    expect(deltas.at(-1)).toEqual({ done: true });
  });

  it('reads a LangServe /stream capture of a chat model (metadata run_id, AIMessageChunk dicts, CRLF)', () => {
    const events = fixture('langserve-chat.sse');
    for (const adapter of [createLangChainAdapter(), createAutoAdapter()]) {
      const snapshot = snapshotOf(runToEnd(adapter, events));
      expect(snapshot.text).toBe(
        "Of course! I'd be happy to help you write a sales proposal. To get started, please provide me with some " +
          'information about the product or service you are selling, your target audience, and any specific details or ' +
          'objectives you would like to include in the proposal.',
      );
      expect(snapshot.id).toBe('0ce5415b-b131-4659-a4bb-24b8c8f99444');
    }
  });

  it('completes on a dispatched data-less end event too (a parser that dispatches it)', () => {
    const a = createLangChainAdapter();
    expect(parseAll(a, ev('"Hi"', 'data'), { event: 'end', data: '', id: '' })).toEqual([{ text: 'Hi' }, { done: true }]);
  });

  it('is not complete at a clean end with no event at all', () => {
    expect(createLangChainAdapter().end?.()).toBeNull();
  });

  it('turns a LangServe error event into an in-band error with the status code', () => {
    const out = parseAll(createLangChainAdapter(), ev('"partial"', 'data'), ev({ status_code: 500, message: 'Internal Server Error' }, 'error'));
    expect(out.at(-1)).toEqual({ error: { message: 'Internal Server Error', code: '500' }, finishReason: 'error', done: true });
  });

  it('reads message chunks with content blocks, reasoning, tool call chunks, usage and finish reason', () => {
    const chunk = (fields: object) => ev({ type: 'AIMessageChunk', id: 'run-1', content: '', ...fields }, 'data');
    const out = parseAll(
      createLangChainAdapter(),
      chunk({ content: [{ type: 'thinking', thinking: 'hmm' }] }),
      chunk({ content: [{ type: 'text', text: 'Let me check.' }] }),
      chunk({ tool_call_chunks: [{ index: 0, id: 'call_1', name: 'weather', args: '{"city":' }] }),
      chunk({ tool_call_chunks: [{ index: 0, args: '"Paris"}' }] }),
      chunk({ response_metadata: { finish_reason: 'tool_calls' }, usage_metadata: { input_tokens: 5, output_tokens: 7, total_tokens: 12 } }),
    );
    expect(joined(out)).toEqual({ text: 'Let me check.', reasoning: 'hmm' });
    expect(toolDeltas(out)).toEqual([
      { index: 0, id: 'call_1', name: 'weather', argumentsDelta: '{"city":' },
      { index: 0, argumentsDelta: '"Paris"}' },
      { index: 0, complete: true },
    ]);
    expect(out.at(-1)).toEqual({ finishReason: 'tool_calls', usage: { inputTokens: 5, outputTokens: 7, totalTokens: 12 } });
  });

  it('does not take a structured output with type and content keys for a message', () => {
    const out = parseAll(createLangChainAdapter(), ev({ type: 'article', content: 'not a message' }, 'data'));
    expect(out).toEqual([{ state: { type: 'article', content: 'not a message' } }]);
  });

  it('skips odd shapes inside a recognised stream and fails malformed JSON with a parse error', () => {
    const a = createLangChainAdapter();
    expect(parseAll(a, ev('"ok"', 'data'), ev('null', 'data'), ev({ run_id: 5 }, 'metadata'), ev({ x: 1 }, 'future'), ev('""', 'data'))).toEqual([{ text: 'ok' }]);
    expect(() => a.parse(ev('"unterminated', 'data'))).toThrow(expect.objectContaining({ kind: 'parse' }));
    expect(() => a.parse(ev('{"content":', 'data'))).toThrow(expect.objectContaining({ kind: 'parse' }));
  });

  it('refuses a first event of another protocol', () => {
    expect(() => createLangChainAdapter().parse(ev({ content: 'x' }))).toThrow(expect.objectContaining({ code: 'wrong_protocol' }));
  });
});
