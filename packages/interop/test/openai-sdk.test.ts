import { readFileSync } from 'node:fs';
import { type StreamOptions, type StreamSnapshot, createStream } from '@tokenstream/core';
import openaiAdapter from '@tokenstream/core/providers/openai';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebResponseServer, serveWebResponse } from './serve-web-response';

// The real `openai` SDK (v6) reads a recorded Chat Completions stream (gpt-4o, from openai-python's test snapshots:
// core/test/fixtures/openai/text-usage.sse) through its own fetch, and an app route passes it on the ways apps do:
// `stream.toReadableStream()` as text/plain (the SDK's Express example) or with no content-type, and a
// `for await (const chunk of stream)` relay writing `data: JSON` per chunk with no final `[DONE]`.

const recorded = readFileSync(new URL('../../core/test/fixtures/openai/text-usage.sse', import.meta.url));
const expected = JSON.parse(
  readFileSync(new URL('../../core/test/fixtures/openai/text-usage.expected.json', import.meta.url), 'utf8'),
) as { text: string; usage: object; model: string; id: string };

/** A real SDK stream over the recorded body; `upTo` keeps only the first chunks (a body that ends early). */
async function sdkStream(upTo?: number) {
  const body = upTo === undefined ? recorded : cutAfterChunks(recorded.toString('utf8'), upTo);
  const client = new OpenAI({
    apiKey: 'sk-test-not-a-key',
    baseURL: 'http://upstream.invalid/v1',
    fetch: async () => new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
  });
  return client.chat.completions.create({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'Weather in SF?' }],
    stream: true,
    stream_options: { include_usage: true },
  });
}

function cutAfterChunks(sse: string, count: number): string {
  return `${sse.split('\n\n').slice(0, count).join('\n\n')}\n\n`;
}

type Route = 'toReadableStream as text/plain' | 'toReadableStream without content-type' | 'relay of data: JSON without [DONE]';

async function respond(route: Route, upTo?: number): Promise<Response> {
  const stream = await sdkStream(upTo);
  if (route === 'relay of data: JSON without [DONE]') {
    const encoder = new TextEncoder();
    const relay = new ReadableStream<Uint8Array>({
      async start(controller) {
        for await (const chunk of stream) controller.enqueue(encoder.encode(`data: ${JSON.stringify(chunk)}\n\n`));
        controller.close();
      },
    });
    return new Response(relay, { headers: { 'content-type': 'text/event-stream' } });
  }
  const body = stream.toReadableStream() as ReadableStream<Uint8Array>;
  const response = new Response(body, { headers: route === 'toReadableStream as text/plain' ? { 'content-type': 'text/plain' } : {} });
  // The fetch Response adds text/plain for a string body only; a stream body has no content-type unless given.
  if (route !== 'toReadableStream as text/plain') response.headers.delete('content-type');
  return response;
}

let server: WebResponseServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function read(route: Route, provider: StreamOptions['provider'], byteByByte: boolean, upTo?: number): Promise<StreamSnapshot> {
  server = await serveWebResponse(() => respond(route, upTo), { byteByByte });
  return createStream({
    url: server.url,
    body: { messages: [] },
    provider,
    throttle: 0,
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
  }).start();
}

const routes: Route[] = ['toReadableStream as text/plain', 'toReadableStream without content-type', 'relay of data: JSON without [DONE]'];
const cases = routes.flatMap((route) =>
  (['auto', 'openai', 'adapter object'] as const).flatMap((provider) =>
    (['whole', 'one byte per write'] as const).map((split) => [route, provider, split] as const),
  ),
);

describe('openai SDK streams passed on by app routes (real openai@6)', () => {
  it.each(cases)('%s, provider %s, %s: the whole answer, finish reason and usage, done', async (route, provider, split) => {
    const snapshot = await read(route, provider === 'adapter object' ? openaiAdapter() : provider, split !== 'whole');
    expect(snapshot.error).toBeNull();
    expect(snapshot.status).toBe('done');
    expect(snapshot.text).toBe(expected.text);
    expect(snapshot.finishReason).toBe('stop');
    expect(snapshot.usage).toEqual(expected.usage);
    expect(snapshot.model).toBe(expected.model);
    expect(snapshot.id).toBe(expected.id);
  });

  it.each(routes)('%s that ends before any finish_reason is not done: an error with the partial text kept', async (route) => {
    const snapshot = await read(route, 'auto', false, 6);
    expect(snapshot.status).toBe('error');
    expect(snapshot.text.length).toBeGreaterThan(0);
    expect(expected.text.startsWith(snapshot.text)).toBe(true);
  });
});
