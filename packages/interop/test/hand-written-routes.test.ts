import { type StreamOptions, type StreamSnapshot, createStream } from '@tokenstream/core';
import json from '@tokenstream/core/providers/json';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebResponseServer, serveWebResponse } from './serve-web-response';

// Hand-written backends, written the way tutorials and app routes write them (an Express or Next.js route looping
// over a model's tokens): read with provider 'auto' (the default), the named 'json' adapter and its factory, over
// HTTP on 127.0.0.1, whole and one byte per write.

const TOKENS = ['The', ' answer', ' is', ' 42', ' — ünïcødé 👋', '\n', 'Done.'];
const ANSWER = TOKENS.join('');

function route(lines: string[], contentType: string | null): () => Response {
  const encoder = new TextEncoder();
  return () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const line of lines) controller.enqueue(encoder.encode(line));
          controller.close();
        },
      }),
      { headers: contentType ? { 'content-type': contentType } : {} },
    );
}

const sse = (payload: unknown) => `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
const line = (payload: unknown) => `${JSON.stringify(payload)}\n`;

const ROUTES: Record<string, () => Response> = {
  'SSE {content} + [DONE] (the tutorial Express route)': route([...TOKENS.map((content) => sse({ content })), sse('[DONE]')], 'text/event-stream'),
  'SSE {text} ending with {done:true}': route([...TOKENS.map((text) => sse({ text })), sse({ done: true })], 'text/event-stream'),
  'SSE {delta} with no terminal signal at all': route(TOKENS.map((delta) => sse({ delta })), 'text/event-stream'),
  'NDJSON {token} + {"type":"done"}': route([...TOKENS.map((token) => line({ token })), line({ type: 'done' })], 'application/x-ndjson'),
  'NDJSON {response} served as text/plain': route(TOKENS.map((response) => line({ response, done: false })).concat(line({ done: true })), 'text/plain'),
};

let server: WebResponseServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function read(respond: () => Response, provider: StreamOptions['provider'], byteByByte: boolean): Promise<StreamSnapshot> {
  server = await serveWebResponse(respond, { byteByByte });
  return createStream({ url: server.url, body: { prompt: 'hi' }, provider, throttle: 0, retry: false }).start();
}

const cases = Object.keys(ROUTES).flatMap((name) =>
  (['auto', 'json', 'adapter object'] as const).flatMap((provider) =>
    (['whole', 'one byte per write'] as const).map((split) => [name, provider, split] as const),
  ),
);

describe('hand-written JSON routes', () => {
  it.each(cases)('%s, provider %s, %s: the exact answer, done', async (name, provider, split) => {
    const snapshot = await read(ROUTES[name]!, provider === 'adapter object' ? json() : provider, split !== 'whole');
    expect(snapshot.error).toBeNull();
    expect(snapshot.status).toBe('done');
    expect(snapshot.text).toBe(ANSWER);
  });

  it('an in-band {"error"} ends in a provider error with the partial text kept', async () => {
    const respond = route([sse({ content: 'Partial' }), sse({ error: 'Rate limit reached for requests' })], 'text/event-stream');
    const snapshot = await read(respond, 'auto', false);
    expect(snapshot.status).toBe('error');
    expect(snapshot.error?.kind).toBe('provider');
    expect(snapshot.error?.message).toContain('Rate limit reached');
    expect(snapshot.text).toBe('Partial');
  });

  it('the same route named as openai fails at once with a parse error, after one request', async () => {
    const respond = route([...TOKENS.map((content) => sse({ content })), sse('[DONE]')], 'text/event-stream');
    server = await serveWebResponse(respond);
    const snapshot = await createStream({ url: server.url, body: {}, provider: 'openai', throttle: 0 }).start();
    expect(snapshot.status).toBe('error');
    expect(snapshot.error?.kind).toBe('parse');
    expect(snapshot.error?.message).toContain('{"content":"The"}');
    expect(snapshot.text).toBe('');
    expect(server.requests).toHaveLength(1);
  });
});
