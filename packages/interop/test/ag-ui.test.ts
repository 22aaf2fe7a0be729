import { EventType } from '@ag-ui/core';
import { EventSchemas, RunAgentInputSchema } from '@ag-ui/core/schemas';
import { EventEncoder } from '@ag-ui/encoder';
import {
  type ChatMessage,
  type Delta,
  type StreamOptions,
  type StreamSnapshot,
  createChat,
  createStream,
  prepareAGUIBody,
} from '@tokenstream/core';
import agUi from '@tokenstream/core/providers/ag-ui';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebResponseServer, serveWebResponse } from './serve-web-response';

// Every event is validated by the real `@ag-ui/core` schemas and encoded by the real `@ag-ui/encoder` EventEncoder,
// which picks its encoding from the request's Accept header (protobuf for `*/*`), as AG-UI servers do. The NDJSON
// rows write the same validated events one JSON per line, the other encoding AG-UI servers use.

type Encoding = 'sse' | 'ndjson';

function events(list: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  return list.map((event) => EventSchemas.parse(event) as Record<string, unknown>);
}

const textRun = events([
  { type: EventType.RUN_STARTED, threadId: 'thread-1', runId: 'run-1' },
  { type: EventType.STATE_SNAPSHOT, snapshot: { steps: [], city: null } },
  { type: EventType.REASONING_START, messageId: 'r1' },
  { type: EventType.REASONING_MESSAGE_START, messageId: 'r1', role: 'reasoning' },
  { type: EventType.REASONING_MESSAGE_CONTENT, messageId: 'r1', delta: 'Look up ' },
  { type: EventType.REASONING_MESSAGE_CONTENT, messageId: 'r1', delta: 'Paris.' },
  { type: EventType.REASONING_MESSAGE_END, messageId: 'r1' },
  { type: EventType.REASONING_END, messageId: 'r1' },
  { type: EventType.STATE_DELTA, delta: [{ op: 'add', path: '/steps/-', value: 'search' }, { op: 'replace', path: '/city', value: 'Paris' }] },
  { type: EventType.TEXT_MESSAGE_START, messageId: 'm1', role: 'assistant' },
  { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm1', delta: 'Paris is ' },
  { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm1', delta: 'sunny — 18 °C 🌞.' },
  { type: EventType.TEXT_MESSAGE_END, messageId: 'm1' },
  { type: EventType.CUSTOM, name: 'progress', value: { done: 1 } },
  {
    type: EventType.RUN_FINISHED,
    threadId: 'thread-1',
    runId: 'run-1',
    outcome: { type: 'success' },
    usage: [
      { model: 'a', inputTokens: 10, outputTokens: 4 },
      { model: 'b', inputTokens: 5, outputTokens: 3, totalTokens: 8 },
    ],
  },
]);

/** A frontend tool call the run leaves to the application (no TOOL_CALL_RESULT). */
const clientToolRun = events([
  { type: EventType.RUN_STARTED, threadId: 'thread-1', runId: 'run-2' },
  { type: EventType.TEXT_MESSAGE_CHUNK, messageId: 'm2', role: 'assistant', delta: 'Checking.' },
  { type: EventType.TOOL_CALL_CHUNK, toolCallId: 'tc-1', toolCallName: 'get_weather', parentMessageId: 'm2', delta: '{"city":' },
  { type: EventType.TOOL_CALL_CHUNK, delta: '"Paris"}' },
  { type: EventType.TOOL_CALL_START, toolCallId: 'tc-2', toolCallName: 'get_time', parentMessageId: 'm2' },
  { type: EventType.TOOL_CALL_ARGS, toolCallId: 'tc-2', delta: '{"zone":"CET"}' },
  { type: EventType.TOOL_CALL_END, toolCallId: 'tc-2' },
  { type: EventType.RUN_FINISHED, threadId: 'thread-1', runId: 'run-2' },
]);

/** A backend tool: its result comes in the run, then the answer. */
const serverToolRun = events([
  { type: EventType.RUN_STARTED, threadId: 'thread-1', runId: 'run-3' },
  { type: EventType.TOOL_CALL_START, toolCallId: 'tc-9', toolCallName: 'search' },
  { type: EventType.TOOL_CALL_ARGS, toolCallId: 'tc-9', delta: '{"q":"paris"}' },
  { type: EventType.TOOL_CALL_END, toolCallId: 'tc-9' },
  { type: EventType.TOOL_CALL_RESULT, messageId: 'tm-1', toolCallId: 'tc-9', content: '{"hits":3}', role: 'tool' },
  { type: EventType.TEXT_MESSAGE_START, messageId: 'm3', role: 'assistant' },
  { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm3', delta: 'Found 3.' },
  { type: EventType.TEXT_MESSAGE_END, messageId: 'm3' },
  { type: EventType.RUN_FINISHED, threadId: 'thread-1', runId: 'run-3' },
]);

const errorRun = events([
  { type: EventType.RUN_STARTED, threadId: 'thread-1', runId: 'run-4' },
  { type: EventType.TEXT_MESSAGE_START, messageId: 'm4', role: 'assistant' },
  { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm4', delta: 'Half an ans' },
  { type: EventType.RUN_ERROR, message: 'model overloaded', code: 'overloaded' },
]);

let server: WebResponseServer | undefined;
let contentTypes: string[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  contentTypes = [];
});

async function read(
  run: Array<Record<string, unknown>>,
  encoding: Encoding,
  provider: StreamOptions['provider'],
  byteByByte: boolean,
): Promise<{ snapshot: StreamSnapshot; deltas: Delta[] }> {
  server = await serveWebResponse(({ headers }) => {
    const accept = headers.accept;
    const encoder = new EventEncoder(accept ? { accept } : undefined);
    const contentType = encoding === 'sse' ? encoder.getContentType() : 'application/x-ndjson';
    contentTypes.push(contentType);
    const body = run.map((event) => (encoding === 'sse' ? encoder.encodeBinary(event as never) : `${JSON.stringify(event)}\n`));
    return new Response(
      new ReadableStream({
        start(controller) {
          for (const chunk of body) controller.enqueue(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
          controller.close();
        },
      }),
      { headers: { 'content-type': contentType } },
    );
  }, { byteByByte });
  const deltas: Delta[] = [];
  const snapshot = await createStream({
    url: server.url,
    body: { threadId: 'thread-1', runId: 'run', messages: [], tools: [], context: [], state: {}, forwardedProps: {} },
    provider,
    throttle: 0,
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    onDelta: (delta) => deltas.push(delta),
  }).start();
  return { snapshot, deltas };
}

const cases = (['sse', 'ndjson'] as const).flatMap((encoding) =>
  (['auto', 'adapter object'] as const).flatMap((kind) =>
    (['whole', 'one byte per write'] as const).map((split) => [encoding, kind, split] as const),
  ),
);

describe.each(cases)('AG-UI over %s, provider %s, body %s', (encoding, kind, split) => {
  const provider = () => (kind === 'auto' ? 'auto' : agUi());
  const byteByByte = split !== 'whole';

  it('text, reasoning, state after snapshot + patch, custom event, summed usage, stop', async () => {
    const { snapshot } = await read(textRun, encoding, provider(), byteByByte);
    if (encoding === 'sse') expect(contentTypes).toEqual(['text/event-stream']); // the encoder read our Accept
    expect(snapshot.status).toBe('done');
    expect(snapshot.text).toBe('Paris is sunny — 18 °C 🌞.');
    expect(snapshot.reasoning).toBe('Look up Paris.');
    expect(snapshot.state).toEqual({ steps: ['search'], city: 'Paris' });
    expect(snapshot.data).toEqual([{ type: 'CUSTOM', data: { name: 'progress', value: { done: 1 } } }]);
    expect(snapshot.usage).toEqual({ inputTokens: 15, outputTokens: 7, totalTokens: 8 + 14 });
    expect(snapshot.id).toBe('run-1');
    expect(snapshot.finishReason).toBe('stop');
  });

  it('frontend tool calls (chunked and start/args/end) left unanswered: tool_calls', async () => {
    const { snapshot } = await read(clientToolRun, encoding, provider(), byteByByte);
    expect(snapshot.status).toBe('done');
    expect(snapshot.text).toBe('Checking.');
    expect(snapshot.finishReason).toBe('tool_calls');
    expect(snapshot.toolCalls.map(({ id, name, arguments: args, input, complete }) => ({ id, name, args, input, complete }))).toEqual([
      { id: 'tc-1', name: 'get_weather', args: '{"city":"Paris"}', input: { city: 'Paris' }, complete: true },
      { id: 'tc-2', name: 'get_time', args: '{"zone":"CET"}', input: { zone: 'CET' }, complete: true },
    ]);
  });

  it('a backend tool with its result in the run: output on the call, the answer after it', async () => {
    const { snapshot, deltas } = await read(serverToolRun, encoding, provider(), byteByByte);
    expect(snapshot.status).toBe('done');
    expect(snapshot.text).toBe('Found 3.');
    expect(snapshot.toolCalls).toHaveLength(1);
    expect(snapshot.toolCalls[0]).toMatchObject({ id: 'tc-9', name: 'search', input: { q: 'paris' }, output: '{"hits":3}' });
    // Every call was answered in the run, so the adapter says 'stop' (the snapshot's value is the accumulator's).
    expect(deltas.filter((d) => d.finishReason).map((d) => d.finishReason)).toEqual(['stop']);
  });

  it('RUN_ERROR: status error, kind provider, code kept, partial text kept, one request', async () => {
    const { snapshot } = await read(errorRun, encoding, provider(), byteByByte);
    expect(snapshot.status).toBe('error');
    expect(snapshot.error?.kind).toBe('provider');
    expect(snapshot.error?.message).toBe('model overloaded');
    expect(snapshot.error?.code).toBe('overloaded');
    expect(snapshot.text).toBe('Half an ans');
    expect(server!.requests).toHaveLength(1);
  });
});

describe('AG-UI adapter against other streams', () => {
  it('a named ag-ui adapter on an AI SDK stream fails at the first event, kind parse, after one request', async () => {
    server = await serveWebResponse(
      () =>
        new Response('data: {"type":"start","messageId":"m"}\n\ndata: {"type":"text-delta","id":"0","delta":"x"}\n\n', {
          headers: { 'content-type': 'text/event-stream' },
        }),
    );
    const snapshot = await createStream({ url: server.url, provider: 'ag-ui', retry: { maxAttempts: 3, baseDelayMs: 1 } }).start();
    expect(snapshot.status).toBe('error');
    expect(snapshot.error?.kind).toBe('parse');
    expect(snapshot.error?.code).toBe('wrong_protocol');
    expect(server.requests).toHaveLength(1);
  });

  it('a run cut before RUN_FINISHED is not done', async () => {
    server = await serveWebResponse(() => {
      const encoder = new EventEncoder();
      return new Response(textRun.slice(0, 11).map((event) => encoder.encodeSSE(event as never)).join(''), {
        headers: { 'content-type': encoder.getContentType() },
      });
    });
    const snapshot = await createStream({ url: server.url, retry: false }).start();
    expect(snapshot.status).toBe('error');
    expect(snapshot.text).toBe('Paris is ');
  });
});

describe('prepareAGUIBody', () => {
  it('builds a RunAgentInput the @ag-ui/core schema accepts, tool calls and results included', () => {
    const messages: ChatMessage[] = [
      { id: 's', role: 'system', text: 'Be brief.' },
      { id: 'u1', role: 'user', text: 'Weather and time in Paris?' },
      {
        id: 'a1',
        role: 'assistant',
        text: 'Checking.',
        toolCalls: [
          { id: 'tc-1', name: 'get_weather', arguments: '{"city":"Paris"}', input: { city: 'Paris' }, complete: true },
          // A backend tool whose result came in the stream.
          { id: 'tc-2', name: 'search', arguments: '{"q":"time"}', input: { q: 'time' }, complete: true, output: '{"hits":1}' },
        ],
      },
      { id: 't1', role: 'tool', text: '{"celsius":18}', toolCallId: 'tc-1', result: { celsius: 18 } },
      { id: 'a2', role: 'assistant', text: '18 °C.' },
    ];
    const body = prepareAGUIBody(messages, {
      id: 'thread-7',
      tools: [{ name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
      state: { city: 'Paris' },
    });
    const input = RunAgentInputSchema.parse(body);
    expect(input.threadId).toBe('thread-7');
    expect(input.runId).toEqual(expect.any(String));
    expect(input.state).toEqual({ city: 'Paris' });
    expect(input.tools.map((tool) => tool.name)).toEqual(['get_weather']);
    expect(input.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'tool', 'assistant']);
    expect(input.messages[2]).toMatchObject({
      toolCalls: [
        { id: 'tc-1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { id: 'tc-2', type: 'function', function: { name: 'search', arguments: '{"q":"time"}' } },
      ],
    });
    expect(input.messages[3]).toMatchObject({ role: 'tool', toolCallId: 'tc-2', content: '{"hits":1}' });
    expect(input.messages[4]).toMatchObject({ role: 'tool', toolCallId: 'tc-1', content: '{"celsius":18}' });
    // A second request of the same chat: same thread, new run.
    const next = prepareAGUIBody(messages, { id: 'thread-7', tools: [] });
    expect(next.threadId).toBe('thread-7');
    expect(next.runId).not.toBe(body.runId);
  });
});

describe('a chat against an AG-UI agent (prepareAGUIBody)', () => {
  it('each request is a valid RunAgentInput; a frontend tool result goes back in the next run', async () => {
    const inputs: Array<{ threadId: string; runId: string; messages: Array<{ role: string; toolCallId?: string; content?: unknown }> }> = [];
    server = await serveWebResponse(({ body, headers }) => {
      const input = RunAgentInputSchema.parse(JSON.parse(body));
      inputs.push(input as (typeof inputs)[number]);
      const encoder = new EventEncoder(headers.accept ? { accept: headers.accept } : undefined);
      const { threadId, runId } = input;
      const answered = input.messages.some((m) => m.role === 'tool');
      const run = events(
        answered
          ? [
              { type: EventType.RUN_STARTED, threadId, runId },
              { type: EventType.TEXT_MESSAGE_START, messageId: 'm2', role: 'assistant' },
              { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm2', delta: 'It is 18 °C.' },
              { type: EventType.TEXT_MESSAGE_END, messageId: 'm2' },
              { type: EventType.RUN_FINISHED, threadId, runId },
            ]
          : [
              { type: EventType.RUN_STARTED, threadId, runId },
              { type: EventType.TOOL_CALL_START, toolCallId: 'tc-1', toolCallName: 'get_weather' },
              { type: EventType.TOOL_CALL_ARGS, toolCallId: 'tc-1', delta: '{"city":"Paris"}' },
              { type: EventType.TOOL_CALL_END, toolCallId: 'tc-1' },
              { type: EventType.RUN_FINISHED, threadId, runId },
            ],
      );
      return new Response(run.map((event) => encoder.encodeSSE(event as never)).join(''), {
        headers: { 'content-type': encoder.getContentType() },
      });
    });
    const chat = createChat({
      id: 'thread-42',
      url: server.url,
      provider: 'ag-ui',
      prepareBody: prepareAGUIBody,
      throttle: 0,
      retry: false,
      tools: { get_weather: { description: 'Weather by city', execute: (input) => ({ input, celsius: 18 }) } },
    });
    const final = await chat.send('Weather in Paris?');
    expect(final.status).toBe('done');
    expect(inputs).toHaveLength(2);
    expect(inputs.map((input) => input.threadId)).toEqual(['thread-42', 'thread-42']);
    expect(inputs[0]!.runId).not.toBe(inputs[1]!.runId);
    expect(inputs[1]!.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(inputs[1]!.messages[2]).toMatchObject({ toolCallId: 'tc-1', content: '{"input":{"city":"Paris"},"celsius":18}' });
    expect(final.messages[final.messages.length - 1]).toMatchObject({ role: 'assistant', text: 'It is 18 °C.' });
  });
});
