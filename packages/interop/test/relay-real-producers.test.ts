// The relay (@tokenstream/server) reads its upstream with core's body reader and decides with core's adapters whether
// the stream was complete. Here the upstream is the output of the real libraries apps put behind it — `ai` v6
// (streamText over MockLanguageModelV3 → toUIMessageStreamResponse), `@ag-ui/encoder`, and the `openai` v6 SDK over a
// recorded OpenAI stream (core/test/fixtures/openai/text-usage.sse) as toReadableStream() without a content-type and
// as a hand-written relay of `data: JSON` without [DONE] — and core's createStream reads what the relay sends on.
import { readFileSync } from 'node:fs';
import { EventType } from '@ag-ui/core';
import { EventSchemas } from '@ag-ui/core/schemas';
import { EventEncoder } from '@ag-ui/encoder';
import { createStream, type StreamSnapshot } from '@tokenstream/core';
import { createRelay, memoryStore, type Upstream } from '@tokenstream/server';
import { streamText } from 'ai';
import { MockLanguageModelV3, convertArrayToReadableStream } from 'ai/test';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';

const recorded = readFileSync(new URL('../../core/test/fixtures/openai/text-usage.sse', import.meta.url));
const expectedOpenAI = JSON.parse(
  readFileSync(new URL('../../core/test/fixtures/openai/text-usage.expected.json', import.meta.url), 'utf8'),
) as { text: string };

type DoStream = NonNullable<ConstructorParameters<typeof MockLanguageModelV3>[0]>['doStream'];
/** One part of a language model stream (LanguageModelV3StreamPart), as the mock model takes it. */
type ModelPart = Awaited<ReturnType<Extract<DoStream, (...args: never[]) => unknown>>>['stream'] extends ReadableStream<infer Part> ? Part : never;

function aiSdkResponse(): Response {
  const parts = [
    { type: 'stream-start', warnings: [] },
    { type: 'text-start', id: 't' },
    { type: 'text-delta', id: 't', delta: 'Hello, ' },
    { type: 'text-delta', id: 't', delta: 'ünïcødé 🌦.' },
    { type: 'text-end', id: 't' },
    {
      type: 'finish',
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: { inputTokens: { total: 3, noCache: 3, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 4, text: 4, reasoning: 0 } },
    },
  ] as ModelPart[];
  const model = new MockLanguageModelV3({ doStream: async () => ({ stream: convertArrayToReadableStream<ModelPart>(parts) }) });
  return streamText({ model, prompt: 'hi' }).toUIMessageStreamResponse();
}

function agUiResponse(): Response {
  const encoder = new EventEncoder();
  const run = [
    { type: EventType.RUN_STARTED, threadId: 'th', runId: 'r' },
    { type: EventType.TEXT_MESSAGE_START, messageId: 'm', role: 'assistant' },
    { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm', delta: 'Paris is ' },
    { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm', delta: 'sunny 🌞.' },
    { type: EventType.TEXT_MESSAGE_END, messageId: 'm' },
    { type: EventType.RUN_FINISHED, threadId: 'th', runId: 'r' },
  ].map((event) => EventSchemas.parse(event));
  const body = run.map((event) => encoder.encode(event as never)).join('');
  return new Response(body, { headers: { 'content-type': encoder.getContentType() } });
}

async function openAIStream(upTo?: number) {
  const text = recorded.toString('utf8');
  const body = upTo === undefined ? text : `${text.split('\n\n').slice(0, upTo).join('\n\n')}\n\n`;
  const client = new OpenAI({
    apiKey: 'sk-test-not-a-key',
    baseURL: 'http://upstream.invalid/v1',
    fetch: async () => new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
  });
  return client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true });
}

async function openAIToReadableStream(upTo?: number): Promise<Response> {
  const response = new Response((await openAIStream(upTo)).toReadableStream() as ReadableStream<Uint8Array>);
  response.headers.delete('content-type');
  return response;
}

async function openAIRelayedWithoutDone(): Promise<Response> {
  const stream = await openAIStream();
  const encoder = new TextEncoder();
  return new Response(
    new ReadableStream<Uint8Array>({
      async start(controller) {
        for await (const chunk of stream) controller.enqueue(encoder.encode(`data: ${JSON.stringify(chunk)}\n\n`));
        controller.close();
      },
    }),
    { headers: { 'content-type': 'text/event-stream' } },
  );
}

/** createStream through the relay, whose upstream is `produce()`. */
async function throughRelay(produce: () => Promise<Response> | Response): Promise<StreamSnapshot> {
  const relay = createRelay({ store: memoryStore() });
  const upstream: Upstream = async () => produce();
  try {
    return await createStream({
      url: 'http://relay.test/api/chat',
      body: {},
      fetch: (input, init) => relay.handle(new Request(input, init), { upstream }),
      throttle: 0,
      retry: false,
    }).start();
  } finally {
    await relay.close();
  }
}

describe('the relay in front of real producers: complete streams pass whole', () => {
  it.each([
    ['ai v6 streamText().toUIMessageStreamResponse()', aiSdkResponse, 'Hello, ünïcødé 🌦.'],
    ['@ag-ui/encoder SSE', agUiResponse, 'Paris is sunny 🌞.'],
    ['openai v6 toReadableStream(), no content-type', () => openAIToReadableStream(), expectedOpenAI.text],
    ['openai v6 chunks relayed as data: JSON without [DONE]', openAIRelayedWithoutDone, expectedOpenAI.text],
  ] as const)('%s', async (_name, produce, text) => {
    const snapshot = await throughRelay(produce);
    expect(snapshot).toMatchObject({ status: 'done', text, error: null });
  });
});

describe('the relay in front of a real producer cut short', () => {
  it('openai v6 toReadableStream() that stops before its finish: an in-band drop, never a clean-looking end', async () => {
    const snapshot = await throughRelay(() => openAIToReadableStream(3));
    expect(snapshot.status).toBe('error');
    expect(snapshot.error).toMatchObject({ kind: 'provider', code: 'upstream_dropped' });
    expect(snapshot.text.length).toBeGreaterThan(0);
    expect(expectedOpenAI.text.startsWith(snapshot.text)).toBe(true);
  });
});
