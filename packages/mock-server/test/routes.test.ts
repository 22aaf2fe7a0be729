import { describe, expect, it } from 'vitest';
import { mockAnswer } from '../src/index';
import { chatBody, json, parseSse, rawRequest, useMockServer } from './helpers';

const ctx = useMockServer();
const url = () => ctx.server.url;

function expectStreamHeaders(headers: Record<string, unknown>, contentType: string) {
  expect(headers['content-type']).toBe(contentType);
  expect(headers['cache-control']).toBe('no-cache');
  expect(headers['x-accel-buffering']).toBe('no');
}

const weatherTool = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };

describe('POST /v1/chat/completions (OpenAI Chat SSE)', () => {
  it('streams role chunk, content deltas, finish chunk, usage chunk with empty choices, [DONE]', async () => {
    const body = chatBody('Hello there', { length: 30 }, { stream_options: { include_usage: true } });
    const res = await rawRequest(url(), '/v1/chat/completions', { body });
    expect(res.status).toBe(200);
    expectStreamHeaders(res.headers, 'text/event-stream; charset=utf-8');
    expect(res.complete).toBe(true);
    const events = parseSse(res.text);
    expect(events.every((e) => e.event === undefined)).toBe(true);
    expect(events.at(-1)!.data).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => json<any>(e.data));
    const streamId = chunks[0].id.replace('chatcmpl-', '');
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => `${streamId}:${i + 1}`));
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === 'gpt-4o-mini' && 'usage' in c)).toBe(true);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });
    const expected = mockAnswer(body);
    const contentChunks = chunks.slice(1, -2);
    expect(contentChunks).toHaveLength(30);
    expect(contentChunks.map((c) => c.choices[0].delta.content).join('')).toBe(expected.text);
    const finish = chunks.at(-2);
    expect(finish.choices[0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' });
    const usage = chunks.at(-1);
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 30, total_tokens: 32, prompt_tokens_details: { cached_tokens: 0 } });
  });

  it('sends no usage chunk and no usage field without include_usage', async () => {
    const res = await rawRequest(url(), '/v1/chat/completions', { body: chatBody('x', { length: 3 }) });
    const chunks = parseSse(res.text).slice(0, -1).map((e) => json<any>(e.data));
    expect(chunks).toHaveLength(5);
    expect(chunks.some((c) => 'usage' in c)).toBe(false);
  });

  it('streams tool calls by index with argument fragments and finish_reason tool_calls', async () => {
    const body = chatBody('What does get_weather say?', {}, { tools: [weatherTool] });
    const res = await rawRequest(url(), '/v1/chat/completions', { body });
    const chunks = parseSse(res.text).slice(0, -1).map((e) => json<any>(e.data));
    expect(chunks[0].choices[0].delta).toMatchObject({ role: 'assistant', content: null });
    const toolDeltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    const [call] = mockAnswer(body).toolCalls;
    expect(toolDeltas[0]).toEqual({ index: 0, id: call.id, type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(toolDeltas.slice(1).every((d: any) => d.index === 0 && d.id === undefined)).toBe(true);
    expect(toolDeltas.map((d: any) => d.function.arguments).join('')).toBe(call.arguments);
    expect(chunks.at(-1).choices[0].finish_reason).toBe('tool_calls');
  });

  it('streams reasoning_content deltas before content in the reasoning scenario', async () => {
    const body = chatBody('think first', { reasoning: 4, length: 5 });
    const chunks = parseSse((await rawRequest(url(), '/v1/chat/completions', { body })).text).slice(0, -1).map((e) => json<any>(e.data));
    const deltas = chunks.map((c) => c.choices[0].delta);
    const reasoning = deltas.filter((d) => typeof d.reasoning_content === 'string');
    expect(reasoning).toHaveLength(4);
    expect(reasoning.map((d) => d.reasoning_content).join('')).toBe(mockAnswer(body).reasoning);
    expect(deltas.findIndex((d) => typeof d.content === 'string' && d.content !== '')).toBeGreaterThan(deltas.indexOf(reasoning[3]));
  });
});

describe('POST /v1/responses (OpenAI Responses SSE)', () => {
  it('names every event, numbers them, and completes with usage', async () => {
    const body = { model: 'gpt-4o-mini', input: 'Explain SSE', stream: true, mock: { length: 6 } };
    const res = await rawRequest(url(), '/v1/responses', { body });
    expectStreamHeaders(res.headers, 'text/event-stream; charset=utf-8');
    const events = parseSse(res.text);
    const datas = events.map((e) => json<any>(e.data));
    expect(events.map((e) => e.event)).toEqual(datas.map((d) => d.type));
    expect(datas.map((d) => d.sequence_number)).toEqual(datas.map((_, i) => i));
    expect(events.map((e) => e.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      ...Array(6).fill('response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const expected = mockAnswer(body);
    expect(datas.filter((d) => d.type === 'response.output_text.delta').map((d) => d.delta).join('')).toBe(expected.text);
    expect(datas.at(-1).response.usage).toEqual({
      input_tokens: 2,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 6,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 8,
    });
  });

  it('streams function calls with call_id and argument deltas, and reasoning summaries', async () => {
    const body = { input: 'use lookup now', tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } }], mock: { reasoning: 3 } };
    const datas = parseSse((await rawRequest(url(), '/v1/responses', { body })).text).map((e) => json<any>(e.data));
    const expected = mockAnswer(body);
    const added = datas.filter((d) => d.type === 'response.output_item.added').map((d) => d.item.type);
    expect(added).toEqual(['reasoning', 'function_call']);
    const fc = datas.find((d) => d.type === 'response.output_item.added' && d.item.type === 'function_call').item;
    expect(fc).toMatchObject({ call_id: expected.toolCalls[0].id, name: 'lookup', arguments: '' });
    expect(datas.filter((d) => d.type === 'response.function_call_arguments.delta').map((d) => d.delta).join('')).toBe(expected.toolCalls[0].arguments);
    expect(datas.filter((d) => d.type === 'response.reasoning_summary_text.delta').map((d) => d.delta).join('')).toBe(expected.reasoning);
    expect(datas.at(-1).response.usage.output_tokens_details.reasoning_tokens).toBe(3);
  });
});

describe('POST /v1/messages (Anthropic SSE)', () => {
  it('sends message_start, blocks with ping, message_delta with stop_reason and usage, message_stop', async () => {
    const body = { model: 'claude-test', max_tokens: 1024, messages: [{ role: 'user', content: 'Bonjour' }], stream: true, mock: { length: 4 } };
    const res = await rawRequest(url(), '/v1/messages', { body });
    expectStreamHeaders(res.headers, 'text/event-stream; charset=utf-8');
    const events = parseSse(res.text);
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const datas = events.map((e) => json<any>(e.data));
    expect(events.map((e) => e.event)).toEqual(datas.map((d) => d.type));
    expect(datas[0].message).toMatchObject({ model: 'claude-test', role: 'assistant', content: [], usage: { input_tokens: 1, output_tokens: 1 } });
    expect(datas.filter((d) => d.type === 'content_block_delta').map((d) => d.delta.text).join('')).toBe(mockAnswer(body).text);
    expect(datas[8]).toEqual({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 4 } });
  });

  it('streams thinking (with signature) and tool_use blocks, reports cached input as cache_read_input_tokens', async () => {
    const body = {
      max_tokens: 1024,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      system: 'you are a mock',
      messages: [{ role: 'user', content: 'please call get_weather' }],
      tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      mock: { cachedInputTokens: 2 },
    };
    const datas = parseSse((await rawRequest(url(), '/v1/messages', { body })).text).map((e) => json<any>(e.data));
    const expected = mockAnswer(body);
    const starts = datas.filter((d) => d.type === 'content_block_start');
    expect(starts.map((d) => [d.index, d.content_block.type])).toEqual([[0, 'thinking'], [1, 'tool_use']]);
    expect(starts[1].content_block).toEqual({ type: 'tool_use', id: `toolu_${expected.toolCalls[0].id.slice(5)}`, name: 'get_weather', input: {} });
    const deltas = datas.filter((d) => d.type === 'content_block_delta');
    expect(deltas.filter((d) => d.delta.type === 'thinking_delta').map((d) => d.delta.thinking).join('')).toBe(expected.reasoning);
    expect(deltas.filter((d) => d.delta.type === 'signature_delta')).toHaveLength(1);
    expect(deltas.filter((d) => d.delta.type === 'input_json_delta').map((d) => d.delta.partial_json).join('')).toBe(expected.toolCalls[0].arguments);
    expect(datas[0].message.usage).toMatchObject({ input_tokens: expected.usage.inputTokens - 2, cache_read_input_tokens: 2 });
    expect(datas.at(-2).delta.stop_reason).toBe('tool_use');
    expect(datas.at(-2).usage.output_tokens).toBe(expected.usage.outputTokens);
  });
});

describe('POST /v1beta/models/:model:streamGenerateContent?alt=sse (Gemini)', () => {
  const path = '/v1beta/models/gemini-test:streamGenerateContent?alt=sse';

  it('frames events with CRLF, carries usageMetadata, puts finishReason and full counts on the last chunk', async () => {
    const body = { contents: [{ role: 'user', parts: [{ text: 'Hola mundo' }] }], generationConfig: { thinkingConfig: { includeThoughts: true } }, mock: { length: 5, reasoning: 2 } };
    const res = await rawRequest(url(), path, { body });
    expectStreamHeaders(res.headers, 'text/event-stream');
    expect(res.text.endsWith('\r\n\r\n')).toBe(true);
    expect(res.text.replace(/\r\n/g, '')).not.toContain('\n');
    const events = parseSse(res.text, '\r\n');
    expect(events).toHaveLength(7);
    const datas = events.map((e) => json<any>(e.data));
    expect(datas.every((d) => d.modelVersion === 'gemini-test' && d.usageMetadata.promptTokenCount === 2)).toBe(true);
    const parts = datas.flatMap((d) => d.candidates[0].content.parts);
    const expected = mockAnswer(body);
    expect(parts.filter((p: any) => p.thought).map((p: any) => p.text).join('')).toBe(expected.reasoning);
    expect(parts.filter((p: any) => !p.thought).map((p: any) => p.text).join('')).toBe(expected.text);
    expect(datas.slice(0, -1).some((d) => 'finishReason' in d.candidates[0])).toBe(false);
    expect(datas.at(-1).candidates[0].finishReason).toBe('STOP');
    expect(datas.at(-1).usageMetadata).toEqual({ promptTokenCount: 2, candidatesTokenCount: 5, thoughtsTokenCount: 2, totalTokenCount: 9 });
  });

  it('sends function calls whole, and rejects a request without alt=sse', async () => {
    const body = { contents: [{ parts: [{ text: 'run the tool' }] }], tools: [{ functionDeclarations: [{ name: 'lookup' }] }] };
    const datas = parseSse((await rawRequest(url(), path, { body })).text, '\r\n').map((e) => json<any>(e.data));
    expect(datas).toHaveLength(1);
    expect(datas[0].candidates[0].content.parts).toEqual([{ functionCall: { name: 'lookup', args: mockAnswer(body).toolCalls[0].input } }]);
    const bad = await rawRequest(url(), '/v1beta/models/gemini-test:streamGenerateContent', { body });
    expect(bad.status).toBe(400);
    expect(json<any>(bad.text).error.status).toBe('INVALID_ARGUMENT');
  });
});

describe('Ollama NDJSON', () => {
  it('POST /api/chat: one JSON object per line, done:true with prompt_eval_count / eval_count', async () => {
    const body = { model: 'llama3.2', messages: [{ role: 'user', content: 'Salut' }], think: true, mock: { length: 5, reasoning: 2 } };
    const res = await rawRequest(url(), '/api/chat', { body });
    expectStreamHeaders(res.headers, 'application/x-ndjson');
    expect(res.text.endsWith('\n')).toBe(true);
    const lines = res.text.trimEnd().split('\n').map((l) => json<any>(l));
    expect(lines).toHaveLength(8);
    expect(lines.slice(0, -1).every((l) => l.done === false && l.model === 'llama3.2')).toBe(true);
    const expected = mockAnswer(body);
    expect(lines.map((l) => l.message.thinking ?? '').join('')).toBe(expected.reasoning);
    expect(lines.map((l) => l.message.content).join('')).toBe(expected.text);
    expect(lines.at(-1)).toMatchObject({ done: true, done_reason: 'stop', prompt_eval_count: 1, eval_count: 7 });
  });

  it('POST /api/chat with tools sends tool_calls whole with object arguments', async () => {
    const body = { messages: [{ role: 'user', content: 'get_weather in Lyon' }], tools: [weatherTool] };
    const lines = (await rawRequest(url(), '/api/chat', { body })).text.trimEnd().split('\n').map((l) => json<any>(l));
    expect(lines[0].message.tool_calls).toEqual([{ function: { name: 'get_weather', arguments: mockAnswer(body).toolCalls[0].input } }]);
  });

  it('POST /api/generate: response fields and a final done line with context', async () => {
    const body = { model: 'llama3.2', prompt: 'Why is the sky blue?', mock: { length: 4 } };
    const lines = (await rawRequest(url(), '/api/generate', { body })).text.trimEnd().split('\n').map((l) => json<any>(l));
    expect(lines.map((l) => l.response).join('')).toBe(mockAnswer(body).text);
    expect(lines.at(-1)).toMatchObject({ done: true, done_reason: 'stop', prompt_eval_count: 5, eval_count: 4 });
    expect(Array.isArray(lines.at(-1).context)).toBe(true);
  });
});

describe('POST /text', () => {
  it('streams the tokens as text/plain chunks', async () => {
    const chunks: string[] = [];
    const res = await rawRequest(url(), '/text', { body: { prompt: 'plain please', mock: { length: 12 } }, onData: (c) => chunks.push(c.toString()) });
    expectStreamHeaders(res.headers, 'text/plain; charset=utf-8');
    expect(res.text).toBe(mockAnswer({ prompt: 'plain please' }, { length: 12 }).text);
  });

  it('takes a non-JSON body as the prompt', async () => {
    const res = await rawRequest(url(), '/text?length=8', { body: 'raw words here', headers: { 'content-type': 'text/plain' } });
    expect(res.text).toBe(mockAnswer('raw words here', { length: 8 }).text);
  });
});

describe('scenario sources and bad input', () => {
  it('takes options from query, x-mock header, and body mock (body wins)', async () => {
    const prompt = { messages: [{ role: 'user', content: 'q' }] };
    const count = async (path: string, body: unknown, headers: Record<string, string> = {}) =>
      parseSse((await rawRequest(url(), path, { body, headers })).text).length;
    expect(await count('/v1/chat/completions?length=3', prompt)).toBe(3 + 3);
    expect(await count('/v1/chat/completions?length=3', prompt, { 'x-mock': '{"length":4}' })).toBe(4 + 3);
    expect(await count('/v1/chat/completions?length=3', { ...prompt, mock: { length: 5 } }, { 'x-mock': '{"length":4}' })).toBe(5 + 3);
  });

  it('answers 400 in the provider error shape for a bad scenario or bad JSON', async () => {
    const bad = await rawRequest(url(), '/v1/messages', { body: { messages: [], mock: { tokensPerSecond: 'fast' } } });
    expect(bad.status).toBe(400);
    expect(json<any>(bad.text)).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('body.mock.tokensPerSecond') } });
    const badJson = await rawRequest(url(), '/v1/chat/completions', { body: '{"messages": [', headers: { 'content-type': 'application/json' } });
    expect(badJson.status).toBe(400);
    expect(json<any>(badJson.text).error.type).toBe('invalid_request_error');
    const badHeader = await rawRequest(url(), '/api/chat', { body: {}, headers: { 'x-mock': 'nope' } });
    expect(badHeader.status).toBe(400);
    expect(json<any>(badHeader.text).error).toContain('x-mock');
  });

  it('lists routes at / and 404s unknown paths, 405s GET on a POST route', async () => {
    expect(json<any>((await rawRequest(url(), '/')).text).routes.length).toBeGreaterThan(6);
    expect((await rawRequest(url(), '/nope')).status).toBe(404);
    expect((await rawRequest(url(), '/v1/messages')).status).toBe(405);
  });
});
