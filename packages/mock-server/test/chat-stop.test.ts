// DELETE {route}/{id}/stream (the Stop button) ends the chat's stream for every reader with the protocol's own
// terminal event for a stopped answer, as the relay (packages/server) writes it, so a tab following the stream sees
// an end and not a drop. The expected events are written out here by hand from each protocol's error shape.
import { describe, expect, it, vi } from 'vitest';
import { json, parseSse, rawRequest, useMockServer, type RawResponse } from './helpers';

const ctx = useMockServer();

const MESSAGE = 'The stream was cancelled';
/** Long and slow enough to be stopped halfway. */
const MOCK = { length: 2000, tokensPerSecond: 200 };
const GEMINI = '/v1beta/models/gemini-2.0-flash:streamGenerateContent';

interface ChatRoute {
  name: string;
  /** Where the POST goes (the Gemini route takes ?alt=sse). */
  post: string;
  /** The route the chat's stream hangs under: `{route}/{id}/stream`. */
  route: string;
  framing: 'sse' | 'sse-crlf' | 'ndjson' | 'text';
  body(id: string): Record<string, unknown>;
  /** The event a stopped stream ends with; null: the body just ends (plain text has no in-band events). */
  stopped: { event?: string; data: unknown } | null;
}

const openAIError = { error: { message: MESSAGE, type: 'api_error', param: null, code: 'cancelled' } };
const messages = [{ role: 'user', content: 'stop me' }];

const CHAT_ROUTES: ChatRoute[] = [
  { name: 'OpenAI Chat', post: '/v1/chat/completions', route: '/v1/chat/completions', framing: 'sse',
    body: (id) => ({ id, model: 'gpt-4o-mini', messages, stream: true, mock: MOCK }), stopped: { data: openAIError } },
  { name: 'OpenAI Responses', post: '/v1/responses', route: '/v1/responses', framing: 'sse',
    body: (id) => ({ id, model: 'gpt-4o-mini', input: 'stop me', stream: true, mock: MOCK }),
    stopped: { event: 'error', data: { type: 'error', code: 'cancelled', message: MESSAGE, param: null } } },
  { name: 'Anthropic', post: '/v1/messages', route: '/v1/messages', framing: 'sse',
    body: (id) => ({ id, model: 'claude-sonnet-4-5', max_tokens: 1024, messages, stream: true, mock: MOCK }),
    stopped: { event: 'error', data: { type: 'error', error: { type: 'api_error', message: MESSAGE, code: 'cancelled' } } } },
  { name: 'Gemini', post: `${GEMINI}?alt=sse`, route: GEMINI, framing: 'sse-crlf',
    body: (id) => ({ id, contents: [{ role: 'user', parts: [{ text: 'stop me' }] }], mock: MOCK }),
    stopped: { data: { error: { code: 499, message: MESSAGE, status: 'CANCELLED' } } } },
  { name: 'Ollama chat', post: '/api/chat', route: '/api/chat', framing: 'ndjson',
    body: (id) => ({ id, model: 'llama3.2', messages, mock: MOCK }), stopped: { data: { error: MESSAGE, code: 'cancelled' } } },
  { name: 'Ollama generate', post: '/api/generate', route: '/api/generate', framing: 'ndjson',
    body: (id) => ({ id, model: 'llama3.2', prompt: 'stop me', mock: MOCK }), stopped: { data: { error: MESSAGE, code: 'cancelled' } } },
  { name: 'AI SDK UI message stream', post: '/ai-sdk/chat', route: '/ai-sdk/chat', framing: 'sse',
    body: (id) => ({ id, messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'stop me' }] }], trigger: 'submit-message', mock: MOCK }),
    stopped: { data: { type: 'abort' } } },
  { name: 'AG-UI', post: '/ag-ui/run', route: '/ag-ui/run', framing: 'sse',
    body: (id) => ({ id, threadId: 't1', runId: 'r1', messages: [{ id: 'm1', role: 'user', content: 'stop me' }], tools: [], context: [], state: {}, forwardedProps: {}, mock: MOCK }),
    stopped: { data: { type: 'RUN_ERROR', message: MESSAGE, code: 'cancelled' } } },
  { name: 'plain JSON', post: '/json/chat', route: '/json/chat', framing: 'sse',
    body: (id) => ({ id, messages, mock: MOCK }), stopped: { data: openAIError } },
];

/** The body's events, SSE or NDJSON, with their data parsed as JSON where it is JSON. */
function eventsOf(res: RawResponse, framing: ChatRoute['framing']): Array<{ event?: string; data: unknown }> {
  const raw: Array<{ event?: string; data: string }> = framing === 'ndjson'
    ? res.text.split('\n').filter((line) => line !== '').map((data) => ({ data }))
    : parseSse(res.text, framing === 'sse-crlf' ? '\r\n' : '\n');
  return raw.map((e) => {
    let data: unknown = e.data;
    try {
      data = JSON.parse(e.data);
    } catch {
      // [DONE] and the like
    }
    return { ...(e.event !== undefined ? { event: e.event } : {}), data };
  });
}

/** Starts an answer under `id` and a follower that joins it; resolves once the follower has read a few events. */
async function startAndFollow(r: ChatRoute, id: string): Promise<{ original: Promise<RawResponse>; follower: Promise<RawResponse>; join: string }> {
  const join = `${r.route}/${id}/stream`;
  const original = rawRequest(ctx.server.url, r.post, { body: r.body(id) });
  await vi.waitFor(() => expect(ctx.server.stats().connections.some((c) => c.route === r.post.split('?')[0] && c.eventsWritten > 2)).toBe(true));
  const follower = rawRequest(ctx.server.url, join);
  await vi.waitFor(() => expect(ctx.server.stats().connections.some((c) => c.route === join && c.eventsWritten > 3)).toBe(true), { timeout: 5000 });
  return { original, follower, join };
}

describe('DELETE {route}/{id}/stream ends every reader with the stopped event', () => {
  it.each(CHAT_ROUTES.map((r) => [r.name, r] as const))('%s', async (_name, r) => {
    const id = `stop-${r.route.replace(/\W+/g, '-')}`;
    const { original, follower, join } = await startAndFollow(r, id);
    const stop = await rawRequest(ctx.server.url, join, { method: 'DELETE' });
    expect(stop.status).toBe(204);

    const [first, joined] = await Promise.all([original, follower]);
    for (const res of [first, joined]) {
      expect(res.status).toBe(200);
      expect(res.complete).toBe(true); // a proper end of the body, not a dropped connection
      const events = eventsOf(res, r.framing);
      expect(events.length).toBeGreaterThan(4); // stopped mid-answer, after what was already produced
      expect(events.at(-1)).toEqual(r.stopped);
      expect(events.filter((e) => JSON.stringify(e) === JSON.stringify(r.stopped))).toHaveLength(1);
    }
    // The follower read the same stream as the original, joined from its start.
    expect(eventsOf(joined, r.framing)).toEqual(eventsOf(first, r.framing));

    // A later join (a reload, a third tab) replays the stopped stream with the same end, and nothing more was made.
    const late = await rawRequest(ctx.server.url, join);
    expect(late.complete).toBe(true);
    expect(eventsOf(late, r.framing)).toEqual(eventsOf(first, r.framing));
  });

  it('plain text has no in-band events: the stopped body just ends (complete, not dropped)', async () => {
    const r: ChatRoute = { name: 'text', post: '/text', route: '/text', framing: 'text', body: (id) => ({ id, prompt: 'stop me', mock: MOCK }), stopped: null };
    const { original, follower, join } = await startAndFollow(r, 'stop-text');
    expect((await rawRequest(ctx.server.url, join, { method: 'DELETE' })).status).toBe(204);
    const [first, joined] = await Promise.all([original, follower]);
    expect(first.complete && joined.complete).toBe(true);
    expect(joined.text).toBe(first.text);
    expect(first.text).not.toMatch(/cancel/i);
  });

  it('a stream that already finished is not changed by a DELETE: it keeps its own end, once', async () => {
    const r = CHAT_ROUTES[0];
    const body = { ...r.body('stop-finished'), mock: { length: 5 } };
    const whole = await rawRequest(ctx.server.url, r.post, { body });
    expect((await rawRequest(ctx.server.url, `${r.route}/stop-finished/stream`, { method: 'DELETE' })).status).toBe(204);
    const late = await rawRequest(ctx.server.url, `${r.route}/stop-finished/stream`);
    expect(eventsOf(late, 'sse')).toEqual(eventsOf(whole, 'sse'));
    expect(eventsOf(late, 'sse').at(-1)).toEqual({ data: '[DONE]' });
  });

  it('a reader resuming by Last-Event-ID after the last token gets the stopped event alone', async () => {
    const r = CHAT_ROUTES[0];
    const { original, follower, join } = await startAndFollow(r, 'stop-resume');
    await rawRequest(ctx.server.url, join, { method: 'DELETE' });
    const [first] = await Promise.all([original, follower]);
    const events = parseSse(first.text);
    const resumed = await rawRequest(ctx.server.url, `/streams/${String(first.headers['x-mock-stream-id'])}`, {
      headers: { 'last-event-id': events.at(-2)!.id! },
    });
    expect(resumed.complete).toBe(true);
    expect(parseSse(resumed.text)).toEqual([events.at(-1)]);
    expect(json(events.at(-1)!.data)).toEqual(r.stopped!.data);
  });

  it('a second DELETE adds nothing: the stream keeps one stopped event', async () => {
    const r = CHAT_ROUTES[0];
    const { original, follower, join } = await startAndFollow(r, 'stop-twice');
    await rawRequest(ctx.server.url, join, { method: 'DELETE' });
    await rawRequest(ctx.server.url, join, { method: 'DELETE' });
    const [first] = await Promise.all([original, follower]);
    const late = await rawRequest(ctx.server.url, join);
    expect(eventsOf(late, 'sse')).toEqual(eventsOf(first, 'sse'));
    expect(eventsOf(late, 'sse').filter((e) => JSON.stringify(e.data).includes('cancelled'))).toHaveLength(1);
  });
});
