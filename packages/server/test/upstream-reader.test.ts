import { describe, expect, it } from 'vitest';
import { pulledBody } from '@tokenstream/test-utils';
import type { ShapedEvent } from '../src/in-band.ts';
import { createRedactor } from '../src/redact.ts';
import { readUpstream, type ReadUpstreamOptions } from '../src/upstream-reader.ts';

const encoder = new TextEncoder();
const openAIChunk = (content: string) => JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content } }] });
const OPENAI_END = `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`;

const respond = (body: ReadableStream<Uint8Array> | string, contentType = 'text/event-stream') =>
  new Response(body, { headers: { 'content-type': contentType } });
const fromChunks = (chunks: string[], contentType?: string) => respond(pulledBody((i) => chunks[i] ?? null).body, contentType);

async function read(response: Response, options: Partial<ReadUpstreamOptions> = {}) {
  const forwarded: ShapedEvent[][] = [];
  const outcome = await readUpstream(response, {
    signal: new AbortController().signal,
    maxEventBytes: 1024,
    redact: createRedactor(),
    onEvents: async (events) => void forwarded.push(events),
    ...options,
  });
  return { ...outcome, forwarded, events: forwarded.flat() };
}

describe('readUpstream on core\'s BodyEventReader', () => {
  it('forwards a complete OpenAI stream as it came, one batch per chunk', async () => {
    const result = await read(fromChunks([`data: ${openAIChunk('Hel')}\n\n`, `data: ${openAIChunk('lo')}\n\n${OPENAI_END}`]));
    expect(result.failure).toBeNull();
    expect(result.forwarded.map((batch) => batch.length)).toEqual([1, 3]);
    expect(result.events.at(-1)).toEqual({ event: 'message', data: '[DONE]' });
  });

  it('reads application/json as core does: NDJSON (Ollama) and a streamed JSON array (Gemini)', async () => {
    const ollama = await read(fromChunks([
      '{"model":"m","message":{"role":"assistant","content":"Hi"},"done":false}\n',
      '{"model":"m","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop"}\n',
    ], 'application/json'));
    expect(ollama).toMatchObject({ failure: null, shape: 'ollama' });
    expect(ollama.events).toHaveLength(2);
    const candidate = (text: string) => JSON.stringify({ candidates: [{ content: { parts: [{ text }], role: 'model' }, finishReason: 'STOP', index: 0 }] });
    const gemini = await read(fromChunks([`[${candidate('Hel')}`, `,\r\n${candidate('lo')}`, ']'], 'application/json'));
    expect(gemini).toMatchObject({ failure: null, shape: 'gemini' });
    expect(gemini.events.map((e) => JSON.parse(e.data).candidates[0].content.parts[0].text)).toEqual(['Hel', 'lo']);
  });

  it('an endless line sent a byte at a time is an overflow near the limit, and the upstream is cancelled', async () => {
    const { body, source } = pulledBody((i) => (i === 0 ? `data: ${openAIChunk('kept')}\n\ndata: ` : 'x'));
    const result = await read(respond(body));
    expect(result.failure).toMatchObject({ code: 'overflow', type: 'invalid_response_error' });
    expect(result.events.map((e) => e.data)).toEqual([openAIChunk('kept')]);
    expect(source.pulledBytes).toBeLessThan(2 * 1024);
    expect(source.cancelled).toBe(true);
  });

  it('the events of a chunk before a line over the limit are forwarded first', async () => {
    const chunk = `data: ${openAIChunk('a')}\n\ndata: ${openAIChunk('b')}\n\ndata: ${'y'.repeat(4096)}`;
    const result = await read(fromChunks([chunk]));
    expect(result.failure).toMatchObject({ code: 'overflow' });
    expect(result.events.map((e) => JSON.parse(e.data).choices[0].delta.content)).toEqual(['a', 'b']);
  });

  it('a body cut in the middle of an event is a drop, even before any event; an empty one is empty', async () => {
    expect((await read(fromChunks([`data: ${openAIChunk('a')}\n\ndata: {"obj`]))).failure)
      .toMatchObject({ code: 'upstream_dropped', message: 'The upstream stream ended in the middle of an event' });
    expect((await read(fromChunks(['data: {"obj']))).failure).toMatchObject({ code: 'upstream_dropped' });
    expect((await read(fromChunks(['\n\n']))).failure).toMatchObject({ code: 'upstream_empty' });
  });

  it('a read failure is a drop whose message names the cause, with secrets and addresses redacted', async () => {
    const { body } = pulledBody((i) => (i === 0 ? `data: ${openAIChunk('a')}\n\n` : new Error('reset by http://10.0.0.7:8080/?key=sk-secret-123')));
    const result = await read(respond(body));
    expect(result.failure).toMatchObject({ code: 'upstream_dropped' });
    expect(result.failure!.message).toMatch(/^The upstream stream broke off: reset by/);
    expect(result.failure!.message).not.toMatch(/10\.0\.0\.7|sk-secret-123/);
    expect(result.events).toHaveLength(1);
  });

  it('a JSON array that breaks its syntax is a stream the relay cannot read', async () => {
    const result = await read(fromChunks(['[{"candidates":[]}', ' garbage'], 'application/json'));
    expect(result.failure).toMatchObject({ code: 'unrecognised_stream', type: 'invalid_response_error' });
  });

  it('plain text is forwarded chunk by chunk without an adapter, and completes at its end', async () => {
    const result = await read(fromChunks(['one ', 'two\nthree'], 'text/plain'));
    expect(result.failure).toBeNull();
    expect(result.events.map((e) => e.data).join('')).toBe('one two\nthree');
  });

  it('an abort stops the read: the upstream is cancelled and no failure is reported', async () => {
    const controller = new AbortController();
    const { body, source } = pulledBody((i) => (i === 0 ? `data: ${openAIChunk('a')}\n\n` : i < 1000 ? `data: ${openAIChunk('b')}\n\n` : null));
    const result = await read(respond(body), {
      signal: controller.signal,
      onEvents: async () => void (source.pulledBytes > 200 && controller.abort()),
    });
    expect(result.failure).toBeNull();
    expect(source.cancelled).toBe(true);
    expect(source.pulledBytes).toBeLessThan(1000);
  });

  it('reads the next chunk only once the previous events were taken (backpressure)', async () => {
    const { body, source } = pulledBody((i) => (i < 3 ? `data: ${openAIChunk(String(i))}\n\n` : i === 3 ? OPENAI_END : null));
    const pulledWhenForwarded: number[] = [];
    const result = await read(respond(body), {
      onEvents: async () => {
        pulledWhenForwarded.push(source.pulledBytes);
        await new Promise((resolve) => setTimeout(resolve, 5));
      },
    });
    expect(result.failure).toBeNull();
    const chunkBytes = encoder.encode(`data: ${openAIChunk('0')}\n\n`).byteLength;
    expect(pulledWhenForwarded.slice(0, 3)).toEqual([1, 2, 3].map((n) => n * chunkBytes));
  });
});

describe('readUpstream: events are bounded in UTF-8 bytes', () => {
  it('a multi-line SSE event over the limit in bytes (not in characters) is an overflow, after the events before it', async () => {
    const line = `data: ${'é'.repeat(300)}\n`; // 606 bytes, 306 characters: two of them are 1201 bytes of data
    const result = await read(fromChunks([`data: ${openAIChunk('first')}\n\n${line}${line}\ndata: never\n\n`]));
    expect(result.failure).toMatchObject({ code: 'overflow' });
    expect(result.events.map((e) => JSON.parse(e.data).choices[0].delta.content)).toEqual(['first']);
  });

  it('astral characters count 4 bytes each; an ASCII event of the same length in characters passes', async () => {
    const emoji = '😀'.repeat(200); // 400 UTF-16 units, 800 bytes
    expect((await read(fromChunks([`data: ${emoji}\ndata: ${emoji}\n\n`]))).failure).toMatchObject({ code: 'overflow' });
    const ascii = 'a'.repeat(400);
    const ok = await read(fromChunks([`data: ${ascii}\ndata: ${ascii}\n\n`], 'text/event-stream'));
    expect(ok.failure?.code).not.toBe('overflow');
    expect(ok.events.map((e) => e.data)).toEqual([`${ascii}\n${ascii}`]);
  });

  it('a text chunk over the limit is an overflow too', async () => {
    const result = await read(fromChunks(['w'.repeat(2000)], 'text/plain'));
    expect(result.failure).toMatchObject({ code: 'overflow' });
  });
});
