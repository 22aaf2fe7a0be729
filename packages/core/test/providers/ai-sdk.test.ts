import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createAccumulator } from '../../src/accumulate/accumulator';
import { StreamError } from '../../src/errors';
import { createAISDKAdapter, isAISDKEvent } from '../../src/providers/ai-sdk';
import { tryParseJson } from '../../src/providers/shared';
import type { Delta, ProviderAdapter, RawEvent } from '../../src/types';
import type { ExpectedOutput } from '../fixtures';
import { ev, joined, parseAll, toolDeltas } from './helpers';
import { splitSse } from './split-events';

const recognizes = (data: unknown, event = 'message') => {
  const raw = ev(data, event);
  return isAISDKEvent(raw, tryParseJson(raw.data));
};

/** Feeds events until the first `done`, then end() if none came, like the engine. */
function run(adapter: ProviderAdapter, events: RawEvent[]): Delta[] {
  const out: Delta[] = [];
  for (const event of events) {
    out.push(...parseAll(adapter, event));
    if (out.some((d) => d.done)) return out;
  }
  const end = adapter.end?.() ?? null;
  return end === null ? out : out.concat(end);
}

function accumulate(deltas: Delta[]) {
  const accumulator = createAccumulator();
  for (const delta of deltas) accumulator.apply(delta);
  return accumulator.read();
}

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../fixtures/ai-sdk/${name}`, import.meta.url)), 'utf8');
const expected = (name: string) => JSON.parse(fixture(name)) as ExpectedOutput;

describe('isAISDKEvent', () => {
  it('claims UI message chunks and data stream lines', () => {
    expect(recognizes({ type: 'start' })).toBe(true);
    expect(recognizes({ type: 'start', messageId: 'm1', messageMetadata: { a: 1 } })).toBe(true);
    expect(recognizes({ type: 'text-delta', id: '0', delta: 'Hi' })).toBe(true);
    expect(recognizes({ type: 'tool-input-available', toolCallId: 'c', toolName: 'w', input: {} })).toBe(true);
    expect(recognizes({ type: 'data-weather', data: { c: 1 } })).toBe(true);
    expect(recognizes({ type: 'error', errorText: 'boom' })).toBe(true);
    expect(recognizes('0:"Hello"')).toBe(true);
    expect(recognizes('f:{"messageId":"msg-0"}\n0:"Hello"\n')).toBe(true);
    expect(recognizes('9:{"toolCallId":"c","toolName":"w","args":{}}')).toBe(true);
  });

  it("claims no other protocol's events", () => {
    expect(recognizes({ id: 'c', object: 'chat.completion.chunk', choices: [{ delta: { content: 'x' } }] })).toBe(false);
    expect(recognizes('[DONE]')).toBe(false);
    expect(recognizes({ type: 'message_start', message: {} }, 'message_start')).toBe(false);
    expect(recognizes({ type: 'error', error: { type: 'overloaded_error', message: 'x' } })).toBe(false);
    expect(recognizes({ type: 'error', code: 'x', message: 'y' })).toBe(false);
    expect(recognizes({ type: 'response.output_text.delta', delta: 'x' })).toBe(false);
    expect(recognizes({ content: 'Hello' })).toBe(false);
    expect(recognizes({ type: 'text-delta', textDelta: 'x' })).toBe(false); // AI SDK 4 fullStream, not a UI chunk
    expect(recognizes({ type: 'TEXT_MESSAGE_CONTENT', messageId: 'm', delta: 'x' })).toBe(false);
    expect(recognizes({ type: 'data-' , data: 1 })).toBe(false);
    expect(recognizes('1. first point')).toBe(false);
    expect(recognizes('0: plain text that is not JSON')).toBe(false);
    expect(recognizes('Hello there')).toBe(false);
    expect(recognizes({ type: 'start', content: 'Hello' })).toBe(false); // a hand-written backend's own shape
  });
});

describe('createAISDKAdapter: UI message stream', () => {
  it('reads the stream ai@6 produces for a two-step answer with a server-run tool (fixture)', () => {
    const deltas = run(createAISDKAdapter(), splitSse(fixture('server-tool-two-steps.sse')));
    const want = expected('server-tool-two-steps.expected.json');
    const out = accumulate(deltas);
    expect(out.text).toBe(want.text);
    expect(out.reasoning).toBe(want.reasoning);
    expect(out.id).toBe(want.id);
    expect(out.toolCalls.map(({ id, name, arguments: a, input, complete }) => ({ id, name, arguments: a, input, complete }))).toEqual(
      want.toolCalls,
    );
    expect(out.toolCalls[0]!.output).toEqual({ city: 'Paris', celsius: 18 });
    expect(out.metadata).toEqual({ totalTokens: 26 });
    expect(deltas.filter((d) => d.finishReason).map((d) => d.finishReason)).toEqual([want.finishReason]);
    expect(deltas[deltas.length - 1]).toEqual({ done: true }); // [DONE]
  });

  it('maps tool call ids to indexes in order of first appearance, interleaved', () => {
    const deltas = parseAll(
      createAISDKAdapter(),
      ev({ type: 'start' }),
      ev({ type: 'tool-input-start', toolCallId: 'a', toolName: 'one' }),
      ev({ type: 'tool-input-start', toolCallId: 'b', toolName: 'two' }),
      ev({ type: 'tool-input-delta', toolCallId: 'b', inputTextDelta: '{"y"' }),
      ev({ type: 'tool-input-delta', toolCallId: 'a', inputTextDelta: '{"x":1}' }),
      ev({ type: 'tool-input-delta', toolCallId: 'b', inputTextDelta: ':2}' }),
      ev({ type: 'tool-input-available', toolCallId: 'a', toolName: 'one', input: { x: 1 } }),
      ev({ type: 'tool-input-available', toolCallId: 'b', toolName: 'two', input: { y: 2 } }),
    );
    expect(toolDeltas(deltas)).toEqual([
      { index: 0, id: 'a', name: 'one' },
      { index: 1, id: 'b', name: 'two' },
      { index: 1, argumentsDelta: '{"y"' },
      { index: 0, argumentsDelta: '{"x":1}' },
      { index: 1, argumentsDelta: ':2}' },
      { index: 0, complete: true },
      { index: 1, complete: true },
    ]);
  });

  it('a call given whole (no start, no deltas) sends its input as the arguments', () => {
    const deltas = parseAll(
      createAISDKAdapter(),
      ev({ type: 'start' }),
      ev({ type: 'tool-input-available', toolCallId: 'c1', toolName: 'w', input: { city: 'Paris' }, providerExecuted: true }),
      ev({ type: 'tool-output-available', toolCallId: 'c1', output: 'sunny', preliminary: true }),
      ev({ type: 'tool-output-available', toolCallId: 'c1', output: 'sunny, 18°C' }),
    );
    expect(toolDeltas(deltas)).toEqual([
      { index: 0, id: 'c1', name: 'w', argumentsDelta: '{"city":"Paris"}', complete: true },
      { index: 0, output: 'sunny' },
      { index: 0, output: 'sunny, 18°C' },
    ]);
    expect(accumulate(deltas).toolCalls[0]).toMatchObject({ input: { city: 'Paris' }, output: 'sunny, 18°C', complete: true });
  });

  it('tool errors become the output { error }; an unparsable input is kept as its raw text', () => {
    const deltas = parseAll(
      createAISDKAdapter(),
      ev({ type: 'start' }),
      ev({ type: 'tool-input-error', toolCallId: 'c1', toolName: 'w', input: '{"city":', errorText: 'Invalid JSON' }),
      ev({ type: 'tool-input-available', toolCallId: 'c2', toolName: 'w', input: {} }),
      ev({ type: 'tool-output-error', toolCallId: 'c2', errorText: 'Service down' }),
    );
    expect(toolDeltas(deltas)).toEqual([
      { index: 0, id: 'c1', name: 'w', argumentsDelta: '{"city":', complete: true, output: { error: 'Invalid JSON' } },
      { index: 1, id: 'c2', name: 'w', argumentsDelta: '{}', complete: true },
      { index: 1, output: { error: 'Service down' } },
    ]);
  });

  it('data parts, sources and files are data; message metadata merges', () => {
    const deltas = parseAll(
      createAISDKAdapter(),
      ev({ type: 'start', messageId: 'm1', messageMetadata: { createdAt: 1 } }),
      ev({ type: 'data-weather', id: 'w', data: { s: 'loading' } }),
      ev({ type: 'data-log', data: 'transient line', transient: true }),
      ev({ type: 'source-url', sourceId: 's1', url: 'https://a.example', title: 'A' }),
      ev({ type: 'source-document', sourceId: 's2', mediaType: 'application/pdf', title: 'Doc' }),
      ev({ type: 'file', url: 'data:text/plain;base64,SGk=', mediaType: 'text/plain' }),
      ev({ type: 'data-weather', id: 'w', data: { s: 'done' } }),
      ev({ type: 'message-metadata', messageMetadata: { tokens: 5 } }),
    );
    const out = accumulate(deltas);
    expect(out.id).toBe('m1');
    expect(out.metadata).toEqual({ createdAt: 1, tokens: 5 });
    expect(out.data).toEqual([
      { type: 'data-weather', id: 'w', data: { s: 'done' } },
      { type: 'data-log', data: 'transient line' },
      { type: 'source-url', id: 's1', data: { sourceId: 's1', url: 'https://a.example', title: 'A' } },
      { type: 'source-document', id: 's2', data: { sourceId: 's2', mediaType: 'application/pdf', title: 'Doc' } },
      { type: 'file', data: { url: 'data:text/plain;base64,SGk=', mediaType: 'text/plain' } },
    ]);
  });

  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['content-filter', 'content_filter'],
    ['tool-calls', 'tool_calls'],
    ['error', 'error'],
    ['other', 'other'],
    ['unknown', 'unknown'],
    [undefined, 'stop'],
  ])('finish %s -> %s', (reason, mapped) => {
    const deltas = parseAll(createAISDKAdapter(), ev({ type: 'start' }), ev({ type: 'finish', ...(reason ? { finishReason: reason } : {}) }));
    expect(deltas).toEqual([{ finishReason: mapped }]);
  });

  it('completes on [DONE], or on a clean end of body once finish arrived, never before', () => {
    const withDone = createAISDKAdapter();
    expect(parseAll(withDone, ev({ type: 'start' }), ev({ type: 'finish' }), ev('[DONE]')).at(-1)).toEqual({ done: true });

    const finishedOnly = createAISDKAdapter();
    parseAll(finishedOnly, ev({ type: 'start' }), ev({ type: 'text-delta', id: '0', delta: 'x' }), ev({ type: 'finish' }));
    expect(finishedOnly.end!()).toEqual({ done: true });

    const cut = createAISDKAdapter();
    parseAll(cut, ev({ type: 'start' }), ev({ type: 'text-delta', id: '0', delta: 'x' }));
    expect(cut.end!()).toBeNull();
  });

  it('abort ends the stream: done, finishReason abort, text kept', () => {
    const deltas = parseAll(
      createAISDKAdapter(),
      ev({ type: 'start' }),
      ev({ type: 'text-delta', id: '0', delta: 'Part' }),
      ev({ type: 'abort', reason: 'user cancelled' }),
    );
    expect(deltas.at(-1)).toEqual({ finishReason: 'abort', done: true });
    expect(joined(deltas).text).toBe('Part');
  });

  it('an error chunk is an in-band provider error', () => {
    const deltas = parseAll(createAISDKAdapter(), ev({ type: 'start' }), ev({ type: 'error', errorText: 'Rate limited' }));
    expect(deltas.at(-1)).toEqual({ error: { message: 'Rate limited' }, finishReason: 'error', done: true });
  });

  it('skips chunk types it does not know (added later) and keep-alives', () => {
    const deltas = parseAll(
      createAISDKAdapter(),
      ev({ type: 'start' }),
      ev({ type: 'reasoning-file', url: 'data:,', mediaType: 'image/png' }),
      ev({ type: 'tool-approval-request', approvalId: 'a', toolCallId: 'c' }),
      ev(''),
      ev({ type: 'text-delta', id: '0', delta: 'ok' }),
    );
    expect(deltas).toEqual([{ text: 'ok' }]);
  });

  it('fails on a first event of another protocol (wrong_protocol), and on invalid JSON later (parse)', () => {
    const chunk = { id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'Hi' } }] };
    expect(() => parseAll(createAISDKAdapter(), ev(chunk))).toThrow(expect.objectContaining({ kind: 'parse', code: 'wrong_protocol' }));
    expect(() => parseAll(createAISDKAdapter(), ev({ content: 'Hi' }))).toThrow(StreamError);
    expect(() => parseAll(createAISDKAdapter(), ev({ type: 'start' }), ev('{"type":"text-del'))).toThrow(
      expect.objectContaining({ kind: 'parse' }),
    );
  });
});

describe('createAISDKAdapter: AI SDK 4 data stream', () => {
  const body = fixture('data-stream-text.txt');
  const want = expected('data-stream-text.expected.json');

  function check(deltas: Delta[]) {
    const out = accumulate(deltas);
    expect(out.text).toBe(want.text);
    expect(out.id).toBe(want.id);
    expect(out.usage).toEqual(want.usage);
    expect(out.finishReason).toBe(want.finishReason);
    expect(deltas.filter((d) => d.done)).toHaveLength(1);
  }

  it('vercel/ai snapshot, one line per event (NDJSON reading, no newlines)', () => {
    check(run(createAISDKAdapter(), body.split('\n').filter(Boolean).map((line) => ev(line))));
  });

  it('the same body as text pieces cut at every position, or one character at a time', () => {
    for (let cut = 1; cut < body.length; cut++) {
      check(run(createAISDKAdapter(), [ev(body.slice(0, cut)), ev(body.slice(cut))]));
    }
    check(run(createAISDKAdapter(), [...body].map((char) => ev(char))));
  });

  it('a last line without its newline still counts; a cut line is a drop', () => {
    const adapter = createAISDKAdapter();
    expect(parseAll(adapter, ev('0:"Hi"\nd:{"finishReason":"stop"'))).toEqual([{ text: 'Hi' }]);
    expect(adapter.end!()).toBeNull();

    const whole = createAISDKAdapter();
    expect(parseAll(whole, ev('0:"Hi"\nd:{"finishReason":"stop"}'))).toEqual([{ text: 'Hi' }, { done: true, finishReason: 'stop' }]);
  });

  it('tool calls (streamed and whole), results, data, annotations, reasoning, errors', () => {
    const lines = [
      'f:{"messageId":"m"}',
      'g:"thinking"',
      'b:{"toolCallId":"c1","toolName":"weather"}',
      'c:{"toolCallId":"c1","argsTextDelta":"{\\"city\\":"}',
      'c:{"toolCallId":"c1","argsTextDelta":"\\"Paris\\"}"}',
      '9:{"toolCallId":"c1","toolName":"weather","args":{"city":"Paris"}}',
      '9:{"toolCallId":"c2","toolName":"time","args":{"zone":"CET"}}',
      'a:{"toolCallId":"c1","result":{"celsius":18}}',
      '2:[{"progress":1},"two"]',
      '8:[{"model":"x"}]',
      'e:{"finishReason":"tool-calls","usage":{"promptTokens":1,"completionTokens":2},"isContinued":false}',
      '0:"Done."',
      '3:"boom"',
    ];
    const deltas = run(createAISDKAdapter(), [ev(lines.join('\n') + '\n')]);
    expect(deltas[0]).toEqual({ id: 'm' });
    expect(joined(deltas)).toEqual({ text: 'Done.', reasoning: 'thinking' });
    expect(toolDeltas(deltas)).toEqual([
      { index: 0, id: 'c1', name: 'weather' },
      { index: 0, argumentsDelta: '{"city":' },
      { index: 0, argumentsDelta: '"Paris"}' },
      { index: 0, complete: true },
      { index: 1, id: 'c2', name: 'time', argumentsDelta: '{"zone":"CET"}', complete: true },
      { index: 0, output: { celsius: 18 } },
    ]);
    expect(deltas.filter((d) => d.data).map((d) => d.data)).toEqual([
      { type: 'data', data: { progress: 1 } },
      { type: 'data', data: 'two' },
      { type: 'message-annotations', data: { model: 'x' } },
    ]);
    expect(deltas.at(-1)).toEqual({ error: { message: 'boom' }, finishReason: 'error', done: true });
  });

  it('hostile input: an endless line without a newline is an overflow error, an invalid line a parse error', () => {
    const adapter = createAISDKAdapter();
    parseAll(adapter, ev('0:"'));
    const chunk = 'x'.repeat(1024 * 1024);
    expect(() => {
      for (let i = 0; i < 9; i++) parseAll(adapter, ev(chunk));
    }).toThrow(expect.objectContaining({ kind: 'overflow' }));
    expect(() => parseAll(createAISDKAdapter(), ev('0:"ok"\n0:not json\n'))).toThrow(expect.objectContaining({ kind: 'parse' }));
  });
});
