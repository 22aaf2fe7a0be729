import { beforeEach, describe, expect, it, vi } from 'vitest';
import { bytes, openai, scriptedFetch, streamResponse } from '@tokenstream/test-utils';
import type { StreamSnapshot } from '../../src/types';

// Tool calls and their JSON parser are a chunk loaded when a stream's first tool call arrives. Each test starts from
// a fresh module registry, so that chunk is not loaded yet.
beforeEach(() => {
  vi.doUnmock('../../src/accumulate/tool-call');
  vi.resetModules();
});

const accumulatorModule = () => import('../../src/accumulate/accumulator');
const streamModule = () => import('../../src/stream');
const { parsePartialJson } = await import('../../src/accumulate/parse-partial-json');

/** Every tool call of every published snapshot shows the parse of its arguments (never an input not yet computed). */
function expectInputsComputed(snapshots: StreamSnapshot[]) {
  for (const call of snapshots.flatMap((snapshot) => snapshot.toolCalls)) {
    if (!call.complete) expect(call.input).toEqual(parsePartialJson(call.arguments));
    else if (call.parseError === undefined) expect(call.input).toEqual(call.arguments.trim() === '' ? {} : JSON.parse(call.arguments));
  }
}

const toolCallStream = (args: string[]) =>
  openai.role() + openai.text('Let me look.') + openai.toolCallStart('call_1', 'weather') + args.map((a) => openai.toolCallArguments(a)).join('');

describe('accumulator: tool calls wait for their chunk', () => {
  it('read() shows the previous tool calls until the chunk is loaded; ready resolves once it is, in order', async () => {
    const { createAccumulator } = await accumulatorModule();
    const acc = createAccumulator();
    acc.apply({ text: 'hi' });
    expect(acc.ready).toBeNull(); // no tool call: nothing to load
    acc.apply({ toolCall: { index: 0, id: 'a', name: 'f', argumentsDelta: '{"q":"ca' } });
    acc.apply({ toolCall: { index: 0, argumentsDelta: 'ts", "n": [1,' } });
    acc.apply({ finishReason: 'tool_calls' }); // the end of the turn completes the call: applied after its fragments
    expect(acc.read()).toMatchObject({ text: 'hi', toolCalls: [], finishReason: 'tool_calls' });
    expect(acc.outputDeltas).toBe(3);
    const ready = acc.ready;
    expect(ready).toBeInstanceOf(Promise);
    await ready;
    expect(acc.ready).toBeNull();
    const call = acc.read().toolCalls[0]!;
    expect(call).toMatchObject({ id: 'a', name: 'f', arguments: '{"q":"cats", "n": [1,', complete: true, input: { q: 'cats', n: [1] } });
    expect(call.parseError).toEqual(expect.any(String));
    expect(acc.read()).toBe(acc.read());
  });

  it('a second accumulator on the same page reads tool calls at once', async () => {
    const { createAccumulator } = await accumulatorModule();
    const first = createAccumulator();
    first.apply({ toolCall: { index: 0, argumentsDelta: '{' } });
    await first.ready;
    const second = createAccumulator();
    second.apply({ toolCall: { index: 0, argumentsDelta: '{"a":"b' } });
    expect(second.ready).toBeNull();
    expect(second.read().toolCalls[0]).toMatchObject({ input: { a: 'b' }, complete: false });
  });
});

describe('a stream whose first tool call arrives before the chunk', () => {
  it('the done snapshot has the tool calls, and no published snapshot shows an input not computed', async () => {
    const { createStream } = await streamModule();
    const body = toolCallStream(['{"city":', '"Paris"}']) + openai.finish('tool_calls') + openai.done();
    const { fetch } = scriptedFetch((request) => streamResponse({ chunks: [bytes(body)] }, { signal: request.signal }));
    const stream = createStream({ url: 'http://test/x', body: {}, fetch, throttle: 0 });
    const published: StreamSnapshot[] = [];
    stream.subscribe(() => published.push(stream.getSnapshot()));
    const final = await stream.start();
    expect(final).toMatchObject({ status: 'done', finishReason: 'tool_calls', toolCalls: [{ id: 'call_1', input: { city: 'Paris' }, complete: true }] });
    expect(published.filter((s) => s.status === 'done')).toEqual([final]);
    expectInputsComputed(published);
  });

  it('a stream that pauses after its first tool-call fragment shows the call once the chunk is loaded', async () => {
    const { createStream } = await streamModule();
    const { fetch } = scriptedFetch((request) =>
      streamResponse({ chunks: [bytes(toolCallStream(['{"city":"Par']))], end: 'hang' }, { signal: request.signal }),
    );
    const stream = createStream({ url: 'http://test/x', body: {}, fetch, throttle: 0 });
    const published: StreamSnapshot[] = [];
    stream.subscribe(() => published.push(stream.getSnapshot()));
    const running = stream.start();
    await vi.waitFor(() => expect(stream.getSnapshot().toolCalls[0]).toMatchObject({ input: { city: 'Par' }, complete: false }));
    stream.stop();
    await running;
    expectInputsComputed(published);
  });

  it('stop() before the chunk is loaded shows aborted at once; the tool calls and onFinish follow once it is there', async () => {
    const { createStream } = await streamModule();
    const { fetch } = scriptedFetch((request) =>
      streamResponse({ chunks: [bytes(toolCallStream(['{"city":"Par']))], end: 'hang' }, { signal: request.signal }),
    );
    const onFinish = vi.fn();
    const stream = createStream({
      url: 'http://test/x',
      body: {},
      fetch,
      throttle: 0,
      onFinish,
      // Stopped right after the first tool-call fragment was applied, long before a chunk can load.
      onDelta: (delta) => {
        if (delta.toolCall?.argumentsDelta) queueMicrotask(() => stream.stop());
      },
    });
    const published: StreamSnapshot[] = [];
    stream.subscribe(() => published.push(stream.getSnapshot()));
    const final = await stream.start();
    const aborted = published.filter((s) => s.status === 'aborted');
    expect(aborted[0]).toMatchObject({ text: 'Let me look.', toolCalls: [] });
    expect(final).toMatchObject({ status: 'aborted', text: 'Let me look.', toolCalls: [{ id: 'call_1', input: { city: 'Par' }, complete: false }] });
    expect(stream.getSnapshot()).toBe(final);
    expect(onFinish).toHaveBeenCalledTimes(1);
    expect(onFinish).toHaveBeenCalledWith(final);
    expectInputsComputed(published);
  });
});

describe('a tool-call chunk that fails to load', () => {
  it('the stream ends with a network error after its body, with the text it showed; the next stream tries again', async () => {
    vi.doMock('../../src/accumulate/tool-call', () => {
      throw new Error('Failed to fetch dynamically imported module');
    });
    const { createStream } = await streamModule();
    const body = () => toolCallStream(['{"city":"Paris"}']) + openai.finish('tool_calls') + openai.done();
    const { fetch, requests } = scriptedFetch((request) => streamResponse({ chunks: [bytes(body())] }, { signal: request.signal }));
    const stream = createStream({ url: 'http://test/x', body: {}, fetch, throttle: 0 });
    const failed = await stream.start();
    expect(failed).toMatchObject({ status: 'error', text: 'Let me look.', toolCalls: [], error: { kind: 'network' } });
    expect(requests).toHaveLength(1); // the answer was complete: nothing is re-sent

    vi.doUnmock('../../src/accumulate/tool-call');
    const fixed = await stream.start();
    expect(fixed).toMatchObject({ status: 'done', toolCalls: [{ input: { city: 'Paris' }, complete: true }] });
  });
});

describe('a chat with tools', () => {
  it('asks for the tool-call chunk as it sends, before any tool call arrives; a chat without tools does not', async () => {
    let loads = 0;
    vi.doMock('../../src/accumulate/tool-call', async (importOriginal) => {
      loads++;
      return importOriginal();
    });
    const { createChat } = await import('../../src/chat/chat');
    const { fetch } = scriptedFetch((request) => streamResponse({ chunks: [bytes(openai.answer(['plain answer']))] }, { signal: request.signal }));
    await createChat({ url: 'http://t', fetch, throttle: 0 }).send('hi');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(loads).toBe(0);
    const withTools = createChat({ url: 'http://t', fetch, throttle: 0, tools: { lookup: { description: 'look up', execute: () => 'x' } } });
    expect(await withTools.send('hi')).toMatchObject({ status: 'done' });
    await vi.waitFor(() => expect(loads).toBe(1));
  });
});
