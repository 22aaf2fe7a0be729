import { type Delta, type StreamOptions, type StreamSnapshot, createChat, createStream, prepareAISDKBody } from '@tokenstream/core';
import aiSdk from '@tokenstream/core/providers/ai-sdk';
import {
  convertToModelMessages,
  createUIMessageStream,
  createUIMessageStreamResponse,
  stepCountIs,
  streamText,
  tool,
  validateUIMessages,
} from 'ai';
import { MockLanguageModelV3, convertArrayToReadableStream } from 'ai/test';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type WebResponseServer, serveWebResponse } from './serve-web-response';

// The real `ai` package (v6) produces the streams: streamText over its MockLanguageModelV3, turned into a Response by
// toUIMessageStreamResponse() / createUIMessageStreamResponse(), served over HTTP on 127.0.0.1 and read by createStream.

type DoStream = NonNullable<ConstructorParameters<typeof MockLanguageModelV3>[0]>['doStream'];
type StreamResult = Awaited<ReturnType<Extract<DoStream, (...args: never[]) => unknown>>>;
/** One part of a language model stream (LanguageModelV3StreamPart), as the mock model takes it. */
type ModelPart = StreamResult['stream'] extends ReadableStream<infer Part> ? Part : never;

const usage = {
  inputTokens: { total: 3, noCache: 3, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 10, text: 10, reasoning: 0 },
};

function finish(unified: string): ModelPart {
  return { type: 'finish', finishReason: { unified, raw: unified }, usage } as ModelPart;
}

/** One model step: reasoning, text, then a streamed client tool call. */
const toolCallStep: ModelPart[] = [
  { type: 'stream-start', warnings: [] },
  { type: 'reasoning-start', id: 'r1' },
  { type: 'reasoning-delta', id: 'r1', delta: 'The user wants ' },
  { type: 'reasoning-delta', id: 'r1', delta: 'the weather.' },
  { type: 'reasoning-end', id: 'r1' },
  { type: 'text-start', id: 't1' },
  { type: 'text-delta', id: 't1', delta: 'Let me ' },
  { type: 'text-delta', id: 't1', delta: 'check — ünïcødé 🌦.' },
  { type: 'text-end', id: 't1' },
  { type: 'tool-input-start', id: 'call-1', toolName: 'weather' },
  { type: 'tool-input-delta', id: 'call-1', delta: '{"city":' },
  { type: 'tool-input-delta', id: 'call-1', delta: '"Paris"}' },
  { type: 'tool-input-end', id: 'call-1' },
  { type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input: '{"city":"Paris"}' },
  finish('tool-calls'),
] as ModelPart[];

function textStep(text: string[], reason = 'stop'): ModelPart[] {
  return [
    { type: 'stream-start', warnings: [] },
    { type: 'text-start', id: 'tx' },
    ...text.map((delta) => ({ type: 'text-delta', id: 'tx', delta })),
    { type: 'text-end', id: 'tx' },
    finish(reason),
  ] as ModelPart[];
}

function mockModel(...steps: ModelPart[][]): MockLanguageModelV3 {
  let call = 0;
  return new MockLanguageModelV3({
    doStream: async () => ({ stream: convertArrayToReadableStream<ModelPart>(steps[Math.min(call++, steps.length - 1)]!) }),
  });
}

let server: WebResponseServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function read(
  respond: () => Response,
  provider: StreamOptions['provider'],
  byteByByte: boolean,
): Promise<{ snapshot: StreamSnapshot; deltas: Delta[] }> {
  server = await serveWebResponse(respond, { byteByByte });
  const deltas: Delta[] = [];
  const snapshot = await createStream({
    url: server.url,
    body: { messages: [] },
    provider,
    throttle: 0,
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    onDelta: (delta) => deltas.push(delta),
  }).start();
  return { snapshot, deltas };
}

const readers = [
  ['auto', 'whole'],
  ['auto', 'one byte per write'],
  ['adapter object', 'whole'],
  ['adapter object', 'one byte per write'],
] as const;

describe.each(readers)('AI SDK UI message stream, provider %s, body %s', (providerKind, split) => {
  const provider = () => (providerKind === 'auto' ? 'auto' : aiSdk());
  const byteByByte = split !== 'whole';

  it('streamText with reasoning, text and a client tool call: exact text, reasoning, call and tool_calls', async () => {
    const { snapshot } = await read(
      () =>
        streamText({
          model: mockModel(toolCallStep),
          prompt: 'Weather in Paris?',
          tools: { weather: tool({ inputSchema: z.object({ city: z.string() }) }) },
        }).toUIMessageStreamResponse(),
      provider(),
      byteByByte,
    );
    expect(snapshot.status).toBe('done');
    expect(snapshot.error).toBeNull();
    expect(snapshot.text).toBe('Let me check — ünïcødé 🌦.');
    expect(snapshot.reasoning).toBe('The user wants the weather.');
    expect(snapshot.finishReason).toBe('tool_calls');
    expect(snapshot.toolCalls).toHaveLength(1);
    expect(snapshot.toolCalls[0]).toMatchObject({
      id: 'call-1',
      name: 'weather',
      arguments: '{"city":"Paris"}',
      input: { city: 'Paris' },
      complete: true,
    });
    expect(snapshot.toolCalls[0]!.output).toBeUndefined();
  });

  it('a tool the server runs: its output is on the call, then the next step streams the answer', async () => {
    const { snapshot, deltas } = await read(
      () =>
        streamText({
          model: mockModel(toolCallStep, textStep(['It is ', '18°C in Paris.'])),
          prompt: 'Weather in Paris?',
          stopWhen: stepCountIs(2),
          tools: {
            weather: tool({
              inputSchema: z.object({ city: z.string() }),
              execute: async ({ city }) => ({ city, celsius: 18 }),
            }),
          },
        }).toUIMessageStreamResponse(),
      provider(),
      byteByByte,
    );
    expect(snapshot.status).toBe('done');
    expect(snapshot.text).toBe('Let me check — ünïcødé 🌦.It is 18°C in Paris.');
    expect(snapshot.toolCalls).toHaveLength(1);
    expect(snapshot.toolCalls[0]).toMatchObject({ id: 'call-1', name: 'weather', input: { city: 'Paris' } });
    expect(snapshot.toolCalls[0]!.output).toEqual({ city: 'Paris', celsius: 18 });
    // The AI SDK says the message finished with 'stop' (its tool was answered in the same response). The snapshot's
    // finishReason is the accumulator's: today it turns 'stop' into 'tool_calls' whenever the turn has a call.
    expect(deltas.filter((d) => d.finishReason).map((d) => d.finishReason)).toEqual(['stop']);
  });

  it('createUIMessageStream: data parts (replaced by id, transient kept), sources, metadata and the message id', async () => {
    const { snapshot } = await read(
      () =>
        createUIMessageStreamResponse({
          stream: createUIMessageStream({
            generateId: () => 'msg-42',
            execute: ({ writer }) => {
              writer.write({ type: 'data-weather', id: 'w1', data: { city: 'Paris', status: 'loading' } });
              writer.write({ type: 'data-notice', data: { text: 'transient' }, transient: true });
              writer.write({ type: 'source-url', sourceId: 'src-1', url: 'https://example.com/paris', title: 'Paris' });
              writer.write({ type: 'data-weather', id: 'w1', data: { city: 'Paris', status: 'done', celsius: 18 } });
              writer.merge(
                streamText({ model: mockModel(textStep(['Sunny', ', 18°C.'])), prompt: 'Weather?' }).toUIMessageStream({
                  messageMetadata: ({ part }) => (part.type === 'finish' ? { model: 'mock', tokens: 13 } : undefined),
                }),
              );
            },
          }),
        }),
      provider(),
      byteByByte,
    );
    expect(snapshot.status).toBe('done');
    expect(snapshot.text).toBe('Sunny, 18°C.');
    expect(snapshot.finishReason).toBe('stop');
    expect(snapshot.metadata).toEqual({ model: 'mock', tokens: 13 });
    expect(snapshot.data).toEqual([
      { type: 'data-weather', id: 'w1', data: { city: 'Paris', status: 'done', celsius: 18 } },
      { type: 'data-notice', data: { text: 'transient' } },
      { type: 'source-url', id: 'src-1', data: { sourceId: 'src-1', url: 'https://example.com/paris', title: 'Paris' } },
    ]);
  });

  it('an error in the middle of the answer: status error, kind provider, the partial text kept, one request', async () => {
    const { snapshot } = await read(
      () =>
        streamText({
          model: new MockLanguageModelV3({
            doStream: async () => ({
              stream: convertArrayToReadableStream<ModelPart>([
                { type: 'stream-start', warnings: [] },
                { type: 'text-start', id: 't' },
                { type: 'text-delta', id: 't', delta: 'Half an ans' },
                { type: 'error', error: new Error('upstream overloaded') },
              ] as ModelPart[]),
            }),
          }),
          prompt: 'hi',
          onError: () => undefined, // the error goes to the client; keep the test output quiet
        }).toUIMessageStreamResponse({ onError: (error) => (error as Error).message }),
      provider(),
      byteByByte,
    );
    expect(snapshot.status).toBe('error');
    expect(snapshot.error?.kind).toBe('provider');
    expect(snapshot.error?.message).toBe('upstream overloaded');
    expect(snapshot.text).toBe('Half an ans');
    expect(snapshot.finishReason).toBe('error');
    expect(server!.requests).toHaveLength(1);
  });
});

describe('AI SDK adapter against other streams', () => {
  it('a named ai-sdk adapter on an OpenAI Chat stream fails at the first event, kind parse, after one request', async () => {
    const chunk = { id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'Hi' } }] };
    const { snapshot } = await read(
      () => new Response(`data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`, { headers: { 'content-type': 'text/event-stream' } }),
      'ai-sdk',
      false,
    );
    expect(snapshot.status).toBe('error');
    expect(snapshot.error?.kind).toBe('parse');
    expect(snapshot.error?.code).toBe('wrong_protocol');
    expect(snapshot.text).toBe('');
    expect(server!.requests).toHaveLength(1);
  });

  it('a UI message stream that ends after finish without [DONE] is done', async () => {
    const body = [
      { type: 'start', messageId: 'm1' },
      { type: 'text-start', id: '0' },
      { type: 'text-delta', id: '0', delta: 'Complete.' },
      { type: 'text-end', id: '0' },
      { type: 'finish', finishReason: 'stop' },
    ]
      .map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`)
      .join('');
    const { snapshot } = await read(
      () => new Response(body, { headers: { 'content-type': 'text/event-stream', 'x-vercel-ai-ui-message-stream': 'v1' } }),
      'auto',
      false,
    );
    expect(snapshot.status).toBe('done');
    expect(snapshot.text).toBe('Complete.');
    expect(snapshot.id).toBe('m1');
  });
});

// AI SDK 4's data stream (`toDataStreamResponse()`), which ai@5+ no longer produce: the body of vercel/ai's own
// snapshot (packages/ai/core/generate-text/__snapshots__/stream-text.test.ts.snap, "multiple stream consumption"),
// served as that version served it: text/plain with `x-vercel-ai-data-stream: v1`.
const DATA_STREAM_BODY =
  'f:{"messageId":"msg-0"}\n' +
  '0:"Hello"\n' +
  '0:", "\n' +
  '0:"world!"\n' +
  'e:{"finishReason":"stop","usage":{"promptTokens":3,"completionTokens":10},"isContinued":false}\n' +
  'd:{"finishReason":"stop","usage":{"promptTokens":3,"completionTokens":10}}\n';

// Under 'auto' the `x-vercel-ai-data-stream: v1` header announces the protocol, so the text/plain body is never read
// as plain text.
describe.each(readers)('AI SDK 4 data stream, provider %s, body %s', (providerKind, split) => {
  it('exact text, id, usage and finish reason', async () => {
    const { snapshot } = await read(
      () =>
        new Response(DATA_STREAM_BODY, {
          headers: { 'content-type': 'text/plain; charset=utf-8', 'x-vercel-ai-data-stream': 'v1' },
        }),
      providerKind === 'auto' ? 'auto' : aiSdk(),
      split !== 'whole',
    );
    expect(snapshot.status).toBe('done');
    expect(snapshot.text).toBe('Hello, world!');
    expect(snapshot.id).toBe('msg-0');
    expect(snapshot.usage).toEqual({ inputTokens: 3, outputTokens: 10, totalTokens: 13 });
    expect(snapshot.finishReason).toBe('stop');
  });
});

describe('useChat-style requests to an AI SDK route (prepareAISDKBody)', () => {
  it('the route reads the body with validateUIMessages + convertToModelMessages; a client tool result goes back', async () => {
    const prompts: unknown[] = [];
    const model = new MockLanguageModelV3({
      doStream: async ({ prompt }) => {
        prompts.push(prompt);
        return { stream: convertArrayToReadableStream<ModelPart>(prompts.length === 1 ? toolCallStep : textStep(['18°C, sunny.'])) };
      },
    });
    server = await serveWebResponse(async ({ body }) => {
      // What an AI SDK route does with a useChat request.
      const { messages } = JSON.parse(body) as { messages: unknown[] };
      const uiMessages = await validateUIMessages({ messages });
      return streamText({
        model,
        messages: await convertToModelMessages(uiMessages),
        tools: { weather: tool({ inputSchema: z.object({ city: z.string() }) }) },
      }).toUIMessageStreamResponse();
    });
    const chat = createChat({
      id: 'chat-1',
      url: server.url,
      provider: 'ai-sdk',
      prepareBody: prepareAISDKBody,
      throttle: 0,
      retry: false,
      tools: { weather: { description: 'Weather by city', execute: (input) => ({ input, celsius: 18 }) } },
    });
    const final = await chat.send('Weather in Paris?');
    expect(final.status).toBe('done');
    expect(server.requests).toHaveLength(2);
    const second = JSON.parse(server.requests[1]!.body) as { id: string; trigger: string; messages: Array<{ role: string; parts: unknown[] }> };
    expect(second.id).toBe('chat-1');
    expect(second.trigger).toBe('submit-message');
    expect(second.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(second.messages[1]!.parts).toContainEqual({
      type: 'tool-weather',
      toolCallId: 'call-1',
      state: 'output-available',
      input: { city: 'Paris' },
      output: { input: { city: 'Paris' }, celsius: 18 },
    });
    // The model's second prompt holds the call and its result, as the AI SDK converted them.
    expect(JSON.stringify(prompts[1])).toContain('"toolCallId":"call-1"');
    expect(JSON.stringify(prompts[1])).toContain('"celsius":18');
    const messages = final.messages;
    expect(messages[messages.length - 1]).toMatchObject({ role: 'assistant', text: '18°C, sunny.' });
  });
});
