// Cross-check: the mock writes each provider's wire format on its own, core's adapters parse it on their own.
// Both must agree on the exact answer, tool calls and usage. (Test-only import of core: no shared runtime code.)
import { createProviderAdapter, type Delta, type RawEvent } from '@tokenstream/core';
import { describe, expect, it } from 'vitest';
import { mockAnswer, type MockAnswer } from '../src/index';
import { parseSse, rawRequest, useMockServer } from './helpers';

const ctx = useMockServer();

interface Parsed {
  text: string;
  reasoning: string;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
  usage: Record<string, number>;
  finishReason: string | undefined;
  done: boolean;
  errors: string[];
}

function applyDeltas(events: RawEvent[], provider: Parameters<typeof createProviderAdapter>[0]): Parsed {
  const adapter = createProviderAdapter(provider)!;
  const out: Parsed = { text: '', reasoning: '', toolCalls: [], usage: {}, finishReason: undefined, done: false, errors: [] };
  for (const event of events) {
    const result = adapter.parse(event);
    const deltas: Delta[] = result === null ? [] : Array.isArray(result) ? result : [result];
    for (const d of deltas) {
      out.text += d.text ?? '';
      out.reasoning += d.reasoning ?? '';
      if (d.toolCall) {
        const call = (out.toolCalls[d.toolCall.index] ??= { id: '', name: '', arguments: '' });
        if (d.toolCall.id) call.id = d.toolCall.id;
        if (d.toolCall.name) call.name = d.toolCall.name;
        call.arguments += d.toolCall.argumentsDelta ?? '';
      }
      if (d.usage) Object.assign(out.usage, d.usage);
      if (d.finishReason) out.finishReason = d.finishReason;
      if (d.done) out.done = true;
      if (d.error) out.errors.push(d.error.message);
    }
  }
  return out;
}

async function sseEvents(path: string, body: unknown, newline: '\n' | '\r\n' = '\n'): Promise<RawEvent[]> {
  const res = await rawRequest(ctx.server.url, path, { body });
  return parseSse(res.text, newline).map((e) => ({ event: e.event ?? 'message', data: e.data, id: e.id ?? '' }));
}

async function ndjsonEvents(path: string, body: unknown): Promise<RawEvent[]> {
  const res = await rawRequest(ctx.server.url, path, { body });
  return res.text.trimEnd().split('\n').map((data) => ({ event: 'message', data, id: '' }));
}

interface AgreementOptions {
  reasoningTokens?: boolean;
  cached?: boolean;
  callIds?: 'same' | 'toolu' | 'generated';
  /** The app protocols carry no token usage. */
  usage?: false;
  /** When the protocol cannot say every finish reason (AG-UI has no `length`). */
  finishReason?: string;
}

function expectAgreement(parsed: Parsed, expected: MockAnswer, opts: AgreementOptions = {}) {
  expect(parsed.errors).toEqual([]);
  expect(parsed.done).toBe(true);
  expect(parsed.text).toBe(expected.text);
  expect(parsed.reasoning).toBe(expected.reasoning);
  expect(parsed.finishReason).toBe(opts.finishReason ?? expected.finishReason);
  expect(parsed.toolCalls.map((c) => ({ name: c.name, arguments: c.arguments }))).toEqual(
    expected.toolCalls.map((c) => ({ name: c.name, arguments: c.arguments })),
  );
  parsed.toolCalls.forEach((c, i) => {
    const want = expected.toolCalls[i].id;
    if (opts.callIds === 'same') expect(c.id).toBe(want);
    else if (opts.callIds === 'toolu') expect(c.id).toBe(`toolu_${want.slice(5)}`);
    else expect(c.id).not.toBe('');
  });
  if (opts.usage === false) return;
  const u = expected.usage;
  expect(parsed.usage.inputTokens).toBe(u.inputTokens);
  expect(parsed.usage.outputTokens).toBe(u.outputTokens);
  expect(parsed.usage.totalTokens ?? parsed.usage.inputTokens + parsed.usage.outputTokens).toBe(u.totalTokens);
  if (opts.reasoningTokens && u.reasoningTokens) expect(parsed.usage.reasoningTokens).toBe(u.reasoningTokens);
  if (u.cachedInputTokens && opts.cached !== false) expect(parsed.usage.cachedInputTokens).toBe(u.cachedInputTokens);
}

const weather = { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } } } };
const cases = [
  { label: 'text', prompt: 'Tell me a story about rivers', mock: { length: 60 } },
  { label: 'reasoning + cached input', prompt: 'Think hard about lakes', mock: { length: 20, reasoning: 8, cachedInputTokens: 2 } },
  { label: 'tool call', prompt: 'Ask get_weather about Nice', mock: {} },
  { label: 'max tokens', prompt: 'Long one', mock: { length: 50 }, maxTokens: 7 },
];

describe.each(cases)('core adapters read the mock: $label', ({ prompt, mock, maxTokens }) => {
  const limit = maxTokens === undefined ? {} : { max_tokens: maxTokens };

  it('openai (chat completions)', async () => {
    const body = { messages: [{ role: 'user', content: prompt }], tools: [{ type: 'function', function: weather }], stream_options: { include_usage: true }, ...limit, mock };
    expectAgreement(applyDeltas(await sseEvents('/v1/chat/completions', body), 'openai'), mockAnswer(body), { reasoningTokens: true, callIds: 'same' });
  });

  it('openai-responses', async () => {
    const body = { input: prompt, tools: [{ type: 'function', ...weather }], ...(maxTokens ? { max_output_tokens: maxTokens } : {}), mock };
    expectAgreement(applyDeltas(await sseEvents('/v1/responses', body), 'openai-responses'), mockAnswer(body), { reasoningTokens: true, callIds: 'same' });
  });

  it('anthropic', async () => {
    const body = { max_tokens: maxTokens ?? 4096, messages: [{ role: 'user', content: prompt }], tools: [{ name: weather.name, input_schema: weather.parameters }], mock };
    expectAgreement(applyDeltas(await sseEvents('/v1/messages', body), 'anthropic'), mockAnswer(body), { callIds: 'toolu' });
  });

  it('gemini', async () => {
    const body = {
      contents: [{ role: 'user', parts: [{ text: prompt }] }],
      tools: [{ functionDeclarations: [weather] }],
      ...(maxTokens ? { generationConfig: { maxOutputTokens: maxTokens } } : {}),
      mock,
    };
    const events = await sseEvents('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', body, '\r\n');
    const parsed = applyDeltas(events, 'gemini');
    // Gemini has no terminal event: the last chunk's finishReason is the end.
    parsed.done = parsed.finishReason !== undefined;
    expectAgreement(parsed, mockAnswer(body), { reasoningTokens: true, callIds: 'generated' });
  });

  it('ollama (/api/chat)', async () => {
    const body = { messages: [{ role: 'user', content: prompt }], tools: [{ type: 'function', function: weather }], ...(maxTokens ? { options: { num_predict: maxTokens } } : {}), mock };
    expectAgreement(applyDeltas(await ndjsonEvents('/api/chat', body), 'ollama'), mockAnswer(body), { callIds: 'generated', cached: false }); // Ollama reports no cache
  });

  it('ai-sdk (UI message stream v1)', async () => {
    // useChat's body: UI messages with parts; the tools live on the server, so the mock is told to call one.
    const body = { messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: prompt }] }], tools: [weather], ...(maxTokens ? { max_tokens: maxTokens } : {}), mock };
    expectAgreement(applyDeltas(await sseEvents('/ai-sdk/chat', body), 'ai-sdk'), mockAnswer(body), { callIds: 'same', usage: false });
  });

  it('ag-ui', async () => {
    const body = { threadId: 't1', runId: 'r1', messages: [{ id: 'u1', role: 'user', content: prompt }], tools: [weather], ...(maxTokens ? { max_tokens: maxTokens } : {}), mock };
    const expected = mockAnswer(body);
    const finishReason = expected.toolCalls.length > 0 ? 'tool_calls' : 'stop'; // RUN_FINISHED says no more than that
    expectAgreement(applyDeltas(await sseEvents('/ag-ui/run', body), 'ag-ui'), expected, { callIds: 'same', usage: false, finishReason });
  });

  it('json (tutorial backend: {content} lines, [DONE])', async () => {
    const body = { messages: [{ role: 'user', content: prompt }], ...(maxTokens ? { max_tokens: maxTokens } : {}), mock: { ...mock, tools: false, reasoning: 0 } };
    const parsed = applyDeltas(await sseEvents('/json/chat', body), 'json');
    expect(parsed).toMatchObject({ errors: [], done: true, text: mockAnswer(body).text, reasoning: '', toolCalls: [] });
  });
});

describe('core adapters read the mock’s in-band errors', () => {
  it.each([
    ['openai', '/v1/chat/completions', { messages: [] }],
    ['openai-responses', '/v1/responses', { input: 'x' }],
    ['anthropic', '/v1/messages', { messages: [] }],
    ['ollama', '/api/chat', { messages: [] }],
    ['ai-sdk', '/ai-sdk/chat', { messages: [] }],
    ['ag-ui', '/ag-ui/run', { messages: [] }],
    ['json', '/json/chat', { messages: [] }],
  ] as const)('%s', async (provider, path, body) => {
    const request = { ...body, mock: { inbandErrorAfterEvents: 2 } };
    const events = provider === 'ollama' ? await ndjsonEvents(path, request) : await sseEvents(path, request);
    expect(applyDeltas(events, provider).errors).toHaveLength(1);
  });

  it('gemini', async () => {
    const events = await sseEvents('/v1beta/models/g:streamGenerateContent?alt=sse', { contents: [], mock: { inbandErrorAfterEvents: 1 } }, '\r\n');
    expect(applyDeltas(events, 'gemini').errors).toHaveLength(1);
  });
});
