import type { ChatMessage, StreamMetrics } from '@tokenstream/core';
import { prepareOllamaBody, prepareOpenAIResponsesBody, StreamError } from '@tokenstream/core';
import { mockAnswer, resolveScenario } from '@tokenstream/mock-server';
import { describe, expect, it } from 'vitest';
import { prepareTextBody } from '../src/shared/bodies';
import { costOf } from '../src/shared/pricing';
import { chatOptionsFor } from '../src/shared/providers';
import { describeError, runMetrics } from '../src/shared/run-metrics';
import { buildScenario } from '../src/shared/scenario';
import { createSettingsStore, DEFAULT_SETTINGS } from '../src/shared/settings';
import { chartGeometry, TimelineRecorder } from '../src/shared/timeline';
import { calculatorTool } from '../src/shared/tools';

const metrics = (m: Partial<StreamMetrics>): StreamMetrics => ({
  ttftMs: null, durationMs: 0, tokensPerSecond: null, deltas: 0, bytes: 0, reconnects: 0, ...m,
});
const user = (id: string, text: string): ChatMessage => ({ id, role: 'user', text });
const assistant = (id: string, m: Partial<StreamMetrics>, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id, role: 'assistant', text: '', metrics: metrics(m), ...extra,
});
const tools = [{ name: 'calculator', description: calculatorTool.description, parameters: calculatorTool.parameters }];

describe('scenario', () => {
  it('puts the chosen fault on the first attempt only, under a fresh key per request, as the mock reads it', () => {
    const a = buildScenario({ ...DEFAULT_SETTINGS, fault: 'drop', tokensPerSecond: 45 });
    const b = buildScenario({ ...DEFAULT_SETTINGS, fault: 'drop' });
    expect(a.key).not.toBe(b.key);
    const resolved = resolveScenario({ body: { mock: a } });
    expect(resolved).toMatchObject({ tokensPerSecond: 45, faultAttempts: 1, fault: { dropAfterEvents: 12 }, key: a.key });
    expect(resolveScenario({ body: { mock: buildScenario({ ...DEFAULT_SETTINGS, fault: 'http401' }) } }).fault).toEqual({ status: 401 });
    expect(resolveScenario({ body: { mock: buildScenario(DEFAULT_SETTINGS) } }).fault).toBeNull();
  });

  it('with reasoning on, faults counted in events strike after the reasoning, once answer text has come', () => {
    const mock = buildScenario({ ...DEFAULT_SETTINGS, reasoning: true, answerLength: 40, fault: 'inband' });
    const body = { messages: [{ role: 'user', content: 'Hello' }], mock };
    const { reasoningTokens } = mockAnswer(body);
    expect(reasoningTokens.length).toBe(20);
    expect(resolveScenario({ body }).fault).toEqual({ inbandErrorAfterEvents: 10 + reasoningTokens.length });
    expect(buildScenario({ ...DEFAULT_SETTINGS, reasoning: false, fault: 'drop' }).fault).toEqual({ dropAfterEvents: 12 });
  });
});

describe('provider rows', () => {
  const store = createSettingsStore();

  it('HTTP rows post to the route on the page origin', () => {
    const options = chatOptionsFor('ollama', store, 'http://127.0.0.1:5173');
    expect(options).toMatchObject({ url: 'http://127.0.0.1:5173/mock/api/chat', provider: 'ollama', model: 'llama3.2' });
    expect(options.transport).toBeUndefined();
  });

  it('the WebSocket row uses core\'s websocket transport on the route\'s own path, wss: under https:', () => {
    expect(chatOptionsFor('websocket', store, 'http://127.0.0.1:5173')).toMatchObject({
      url: 'ws://127.0.0.1:5173/mock/v1/chat/completions',
      transport: 'websocket',
      provider: 'openai',
    });
    expect(chatOptionsFor('websocket', store, 'https://play.example').url).toBe('wss://play.example/mock/v1/chat/completions');
  });
});

describe('request bodies the mock understands', () => {
  const call = { id: 'call_1', name: 'calculator', arguments: '{"operation":"add","a":1,"b":2}', input: { operation: 'add', a: 1, b: 2 }, complete: true };
  const toolTurn: ChatMessage[] = [
    user('u1', 'add with the calculator'),
    { id: 'a1', role: 'assistant', text: '', toolCalls: [call] },
    { id: 't1', role: 'tool', text: '{"result":3}', toolCallId: 'call_1' },
  ];

  // Core's builders (exact shapes are tested in core) with the playground's calculator tool, as the mock reads them.
  it.each([
    ['Responses', prepareOpenAIResponsesBody],
    ['Ollama', prepareOllamaBody],
  ])('%s: declares the tool, and answers a tool result with text', (_name, prepare) => {
    const first = prepare([user('u1', 'add with the calculator')], { tools, model: 'm' });
    expect(mockAnswer(first).toolCalls.map((c) => c.name)).toEqual(['calculator']);
    const second = prepare(toolTurn, { tools, model: 'm' });
    expect(mockAnswer(second).text.startsWith('Tool result received')).toBe(true);
  });

  it('text: the conversation only', () => {
    expect(prepareTextBody([user('u1', 'hi'), { id: 'a', role: 'assistant', text: 'yo' }])).toEqual({
      messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'yo' }],
    });
  });
});

describe('metrics of the latest run', () => {
  it('sums the steps after the last user message; ttft is the first step’s', () => {
    const messages = [
      user('u0', 'old'),
      assistant('a0', { deltas: 99, reconnects: 5 }),
      user('u1', 'new'),
      assistant('a1', { ttftMs: 40, deltas: 10, bytes: 100, reconnects: 1, tokensPerSecond: 20 }),
      assistant('a2', { ttftMs: 15, deltas: 5, bytes: 50, reconnects: 0, tokensPerSecond: 30 }),
    ];
    expect(runMetrics(messages)).toEqual({ ttftMs: 40, tokensPerSecond: 30, tokens: 15, bytes: 150, reconnects: 1, model: null });
  });

  it('records tokens over time and reconnect moments, keeping the same object while nothing changed', () => {
    const recorder = new TimelineRecorder();
    const u = user('u1', 'hi');
    const t0 = recorder.observe([u], 1000);
    expect(recorder.observe([u], 1200)).toBe(t0);
    recorder.observe([u, assistant('a', { deltas: 4 })], 1100);
    const t2 = recorder.observe([u, assistant('a', { deltas: 4, reconnects: 1 })], 1300);
    const t3 = recorder.observe([u, assistant('a', { deltas: 10, reconnects: 1 })], 1500);
    expect(t2.reconnectsAt).toEqual([300]);
    expect(t3.points).toEqual([{ t: 0, tokens: 0 }, { t: 100, tokens: 4 }, { t: 500, tokens: 10 }]);
    const geometry = chartGeometry(t3, 100, 50);
    expect(geometry.path).toBe('M0,50 L20,30 L100,0');
    expect(geometry.markers).toEqual([60]);
    expect(geometry.summary).toBe('10 tokens in 0.5 s, 1 reconnect');
    // A new prompt starts a new timeline.
    expect(recorder.observe([u, assistant('a', { deltas: 10 }), user('u2', 'again')], 2000).points).toEqual([{ t: 0, tokens: 0 }]);
  });
});

describe('display helpers', () => {
  it('errors read as a sentence: the status once, then what to do', () => {
    expect(describeError(new StreamError('http', 'HTTP 401 Unauthorized', { status: 401 }))).toBe('401 Unauthorized — check the API key');
    expect(describeError(new StreamError('http', 'HTTP 429: slow down', { status: 429 }))).toBe('429 slow down — rate limited, wait a moment and retry');
    expect(describeError(new StreamError('http', 'HTTP 503', { status: 503 }))).toBe('503 — the server failed, try again');
    expect(describeError(new StreamError('network', 'dropped'))).toBe('Connection lost: dropped');
    expect(describeError(new StreamError('provider', 'Overloaded', { code: 'overloaded_error' }))).toBe(
      'The provider reported an error: Overloaded (overloaded_error)',
    );
  });

  it('cost comes from the price table, none for an unknown model', () => {
    const usage = { inputTokens: 1_000_000, outputTokens: 1_000_000, totalTokens: 2_000_000 };
    expect(costOf(usage, 'gpt-4o-mini')).toBeCloseTo(0.75, 10);
    expect(costOf(usage, 'unknown-model')).toBeNull();
    expect(costOf(null, 'gpt-4o-mini')).toBeNull();
  });

  it('the calculator computes, and rejects input that is not { operation, a, b }', () => {
    const ctx = { signal: new AbortController().signal, toolCallId: 'c' };
    expect(calculatorTool.execute!({ operation: 'multiply', a: 6, b: 7 }, ctx)).toEqual({ result: 42 });
    expect(() => calculatorTool.execute!({ operation: 'pow', a: 2, b: 3 }, ctx)).toThrow(/expected \{ operation, a, b \}/);
  });
});
