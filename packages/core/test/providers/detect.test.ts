import { describe, expect, it } from 'vitest';
import { StreamError } from '../../src/errors';
import { PROVIDER_NAMES, createAutoAdapter, createProviderAdapter, detectProvider } from '../../src/providers';
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
    ['ai-sdk UI message chunk', ev({ type: 'text-delta', id: 't1', delta: 'x' }), 'ai-sdk'],
    ['ai-sdk UI error (not a Responses error)', ev({ type: 'error', errorText: 'boom' }), 'ai-sdk'],
    ['ai-sdk data stream line', ev('0:"Hello"'), 'ai-sdk'],
    ['ag-ui event', ev({ type: 'RUN_STARTED', threadId: 't', runId: 'r' }), 'ag-ui'],
    ['langgraph messages-tuple', ev([{ content: 'x', type: 'AIMessageChunk', id: 'run-1' }, { langgraph_node: 'agent' }], 'messages'), 'langgraph'],
    ['langgraph subgraph messages', ev([{ content: 'x', type: 'AIMessageChunk' }, {}], 'messages|agent:1f0'), 'langgraph'],
    ['langgraph values', ev({ messages: [] }, 'values'), 'langgraph'],
    ['langgraph error', ev({ error: 'ValueError', message: 'bad' }, 'error'), 'langgraph'],
    ['langchain data string', ev('"Hello"', 'data'), 'langchain'],
    ['langserve error', ev({ status_code: 500, message: 'Internal Server Error' }, 'error'), 'langchain'],
    ['json content', ev({ content: 'Hello' }), 'json'],
    ['json text', ev({ text: 'Hello' }), 'json'],
    ['json token', ev({ token: 'Hello' }), 'json'],
    ['json done', ev({ done: true }), 'json'],
    ['json type done', ev({ type: 'done' }), 'json'],
    ['error object without a status (OpenAI style)', ev({ error: { message: 'bad request' } }), 'openai'],
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
    expect(error.code).toBe('unrecognised_stream');
    expect(error.message).toContain('"greeting"');
    expect(error.message).toContain(data.slice(0, 100));
    expect(error.message).not.toContain(data.slice(0, 101));
    // Plain-text SSE data is the other tutorial route (`data: ${token}`): read as text by the json protocol.
    expect(createAutoAdapter().parse(ev('plain text, not JSON'))).toEqual([{ text: 'plain text, not JSON' }]);
    expect(() => createAutoAdapter().parse(ev('[1,2,3]'))).toThrow(/auto: unrecognised stream event/);
  });

  it.each([
    ['an arbitrary object', { hello: 'world' }],
    ['an answer that merely starts with {', '{ this is prose } and more'],
    ['an object whose text field is not a string', { content: 42, delta: { content: 'x' } }],
    ['a done that is not true', { done: false }],
  ])('claims no %s', (_label, data) => {
    expect(() => detectProvider(ev(data))).toThrow(expect.objectContaining({ kind: 'parse', code: 'unrecognised_stream' }));
  });

  it('picks the AI SDK from its response header, before any event', () => {
    const auto = createAutoAdapter();
    auto.open?.(new Headers({ 'x-vercel-ai-ui-message-stream': 'v1' }));
    // The header decides: a first event of another protocol is then a wrong_protocol error of the AI SDK adapter.
    expect(() => auto.parse(ev({ content: 'x' }))).toThrow(expect.objectContaining({ code: 'wrong_protocol' }));
    const data = createAutoAdapter();
    data.open?.(new Headers({ 'x-vercel-ai-data-stream': 'v1' }));
    expect(parseAll(data, ev('0:"Hi"')).map((d) => d.text).join('')).toBe('Hi');
  });

  it('holds a metadata event until the next one tells LangGraph from LangServe, then replays it', () => {
    const graph = createAutoAdapter();
    expect(parseAll(graph, ev({ run_id: 'run-9', attempt: 1 }, 'metadata'))).toEqual([]);
    const out = parseAll(graph, ev([{ content: 'Hi', type: 'AIMessageChunk', id: 'm1' }, {}], 'messages'));
    expect(out).toEqual([{ id: 'run-9' }, { text: 'Hi' }]);
    expect(graph.end?.()).toEqual([{ done: true }]);

    const serve = createAutoAdapter();
    expect(parseAll(serve, ev({ run_id: 'run-8' }, 'metadata'), ev('"Hello"', 'data'))).toEqual([{ id: 'run-8' }, { text: 'Hello' }]);
    expect(serve.end?.()).toEqual([{ done: true }]);
  });

  it('does not replay a held metadata event to a protocol that does not claim it', () => {
    const auto = createAutoAdapter();
    expect(parseAll(auto, ev({ run_id: 'x' }, 'metadata'), ev({ content: 'Hi' }))).toEqual([{ text: 'Hi' }]);
    expect(auto.end?.()).toEqual([{ done: true }]);
  });

  it('forwards end() to the detected adapter: a hand-written stream completes on a clean close', () => {
    const auto = createAutoAdapter();
    expect(auto.end?.()).toBeNull();
    parseAll(auto, ev({ content: 'Hello' }));
    expect(auto.end?.()).toEqual([{ done: true }]);
  });

  it('keeps the detected adapter for the rest of the stream (its state included)', () => {
    const auto = createAutoAdapter();
    parseAll(auto, ev({ candidates: [{ content: { parts: [{ functionCall: { name: 'f', args: {} } }] }, index: 0 }] }));
    expect(parseAll(auto, ev({ candidates: [{ content: { parts: [] }, finishReason: 'STOP', index: 0 }] })).at(-1)).toMatchObject({
      finishReason: 'tool_calls',
    });
    expect(auto.end?.()).toEqual([{ done: true }]);
  });
});

describe('createProviderAdapter', () => {
  it('returns null for none, auto detection for auto/undefined, and a named adapter otherwise', () => {
    expect(createProviderAdapter('none')).toBeNull();
    expect(createProviderAdapter(undefined)?.name).toBe('auto');
    expect(createProviderAdapter('auto')?.name).toBe('auto');
    for (const name of PROVIDER_NAMES) {
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
