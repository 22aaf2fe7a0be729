import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpResponseOutputParser } from '@langchain/classic/output_parsers';
import { AIMessageChunk } from '@langchain/core/messages';
import { JsonOutputParser } from '@langchain/core/output_parsers';
import { FakeListChatModel, FakeStreamingChatModel } from '@langchain/core/utils/testing';
import { type StreamOptions, type StreamSnapshot, createStream } from '@tokenstream/core';
import langchain from '@tokenstream/core/providers/langchain';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebResponseServer, serveWebResponse } from './serve-web-response';

// The real LangChain packages produce the streams: a fake chat model from @langchain/core/utils/testing piped into
// HttpResponseOutputParser (@langchain/classic, where LangChain v1 keeps it), its byte stream served as the
// Response body of a route on 127.0.0.1, and read by createStream. Its `event: end` has no data line: a WHATWG
// parser never dispatches it, so the stream must complete on the clean end of the body.

const ANSWER = 'Héllo, "world" 👋\nSecond line: 1 < 2 & done.';

let server: WebResponseServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type Runnable = { stream(input: string): Promise<ReadableStream<Uint8Array>> };

async function read(
  runnable: () => Runnable,
  contentType: string | null,
  provider: StreamOptions['provider'],
  byteByByte: boolean,
): Promise<StreamSnapshot> {
  server = await serveWebResponse(
    async () =>
      new Response(await runnable().stream('Hi'), { headers: contentType ? { 'content-type': contentType } : {} }),
    { byteByByte },
  );
  return createStream({
    url: server.url,
    body: { input: 'Hi' },
    provider,
    throttle: 0,
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
  }).start();
}

const sseParser = () => new HttpResponseOutputParser({ contentType: 'text/event-stream' });
const listModel = () => new FakeListChatModel({ responses: [ANSWER] });

const readers = [
  ['auto', 'whole'],
  ['auto', 'one byte per write'],
  ['langchain', 'whole'],
  ['adapter object', 'one byte per write'],
] as const;

function providerOf(name: (typeof readers)[number][0]): StreamOptions['provider'] {
  return name === 'adapter object' ? langchain() : name;
}

describe('LangChain HttpResponseOutputParser (real @langchain/classic + @langchain/core)', () => {
  it.each(readers)('text/event-stream, provider %s, %s: the exact answer, done at the clean end', async (name, split) => {
    const snapshot = await read(() => listModel().pipe(sseParser()), 'text/event-stream', providerOf(name), split !== 'whole');
    expect(snapshot.error).toBeNull();
    expect(snapshot.status).toBe('done');
    expect(snapshot.text).toBe(ANSWER);
  });

  it('a streaming chat model chunk by chunk (FakeStreamingChatModel), with auto detection', async () => {
    const chunks = ['The ', 'answer ', 'is ', '42.'].map((content) => new AIMessageChunk({ content, id: 'm1' }));
    const snapshot = await read(() => new FakeStreamingChatModel({ chunks }).pipe(sseParser()), 'text/event-stream', 'auto', false);
    expect(snapshot.status).toBe('done');
    expect(snapshot.text).toBe('The answer is 42.');
  });

  it('a structured output (JsonOutputParser) ends done with the final object as state and no text', async () => {
    const model = () => new FakeListChatModel({ responses: ['{"city": "Paris", "temp": 21}'] });
    const parser = () => new HttpResponseOutputParser({ contentType: 'text/event-stream', outputParser: new JsonOutputParser() });
    const snapshot = await read(() => model().pipe(parser()), 'text/event-stream', 'langchain', false);
    expect(snapshot.status).toBe('done');
    expect(snapshot.text).toBe('');
    expect((snapshot as StreamSnapshot & { state?: unknown }).state).toEqual({ city: 'Paris', temp: 21 });
  });

  it('the parser in its default text/plain mode is plain text, shown as the answer', async () => {
    const snapshot = await read(() => listModel().pipe(new HttpResponseOutputParser()), 'text/plain; charset=utf-8', 'auto', false);
    expect(snapshot.status).toBe('done');
    expect(snapshot.text).toBe(ANSWER);
  });

  it('a route that drops the connection mid-answer ends in error with the partial text kept (not done)', async () => {
    const body = await listModel().pipe(sseParser()).stream('Hi');
    const events: Uint8Array[] = [];
    for await (const chunk of body) events.push(chunk);
    // Ten events reach the client (each write flushed), then the socket is destroyed as a crashed route's would be.
    const route = createServer((req, res) => {
      void (async () => {
        for await (const _ of req) void _;
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const event of events.slice(0, 10)) await new Promise((resolve) => res.write(event, resolve));
        res.socket?.destroy();
      })();
    });
    await new Promise<void>((resolve) => route.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = route.address() as AddressInfo;
      const snapshot = await createStream({ url: `http://127.0.0.1:${port}/`, body: {}, provider: 'langchain', throttle: 0, retry: false }).start();
      expect(snapshot.status).toBe('error');
      expect(snapshot.text).toBe(ANSWER.slice(0, 10));
    } finally {
      route.closeAllConnections();
      await new Promise((resolve) => route.close(resolve));
    }
  });
});
