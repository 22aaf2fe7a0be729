// The mock's stopped event is the relay's: the same chat stopped on the mock (DELETE) and through the real relay
// (@tokenstream/server in front of the mock's provider route, relay.cancel) ends its follower with the same event,
// for every protocol the relay has an error shape for. (Test-only import of the relay: no shared runtime code.)
import { createRelay, memoryStore } from '@tokenstream/server';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parseSse, rawRequest, useMockServer } from '../../mock-server/test/helpers';

const ctx = useMockServer();
const relay = createRelay({ store: memoryStore() });
afterAll(() => relay.close());

const MOCK = { length: 2000, tokensPerSecond: 200 };
const GEMINI = '/v1beta/models/gemini-2.0-flash:streamGenerateContent';
const messages = [{ role: 'user', content: 'stop me' }];

const ROUTES: Array<[string, { post: string; route: string; framing: 'sse' | 'sse-crlf' | 'ndjson'; body: Record<string, unknown> }]> = [
  ['OpenAI Chat', { post: '/v1/chat/completions', route: '/v1/chat/completions', framing: 'sse', body: { model: 'gpt-4o-mini', messages, stream: true } }],
  ['OpenAI Responses', { post: '/v1/responses', route: '/v1/responses', framing: 'sse', body: { model: 'gpt-4o-mini', input: 'stop me', stream: true } }],
  ['Anthropic', { post: '/v1/messages', route: '/v1/messages', framing: 'sse', body: { model: 'claude-sonnet-4-5', max_tokens: 1024, messages, stream: true } }],
  ['Gemini', { post: `${GEMINI}?alt=sse`, route: GEMINI, framing: 'sse-crlf', body: { contents: [{ role: 'user', parts: [{ text: 'stop me' }] }] } }],
  ['Ollama', { post: '/api/chat', route: '/api/chat', framing: 'ndjson', body: { model: 'llama3.2', messages } }],
  ['plain JSON (the relay’s default shape)', { post: '/json/chat', route: '/json/chat', framing: 'sse', body: { messages } }],
];

interface Ending {
  event: string | undefined;
  data: unknown;
}

/** Reads a body as it comes; `text` is what arrived so far, `done` resolves with all of it. */
function follow(body: ReadableStream<Uint8Array>): { readonly text: string; done: Promise<string> } {
  const state = { text: '', done: Promise.resolve('') };
  const decoder = new TextDecoder();
  state.done = (async () => {
    const reader = body.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) state.text += decoder.decode(next.value, { stream: true });
    return state.text;
  })();
  return state;
}

const lastOf = (text: string, framing: 'sse' | 'sse-crlf' | 'ndjson'): Ending => {
  if (framing === 'ndjson') return { event: undefined, data: JSON.parse(text.trim().split('\n').at(-1)!) as unknown };
  const last = parseSse(text, framing === 'sse-crlf' ? '\r\n' : '\n').at(-1)!;
  return { event: last.event || undefined, data: JSON.parse(last.data) as unknown };
};

describe('the mock stops a chat stream as the relay does', () => {
  it.each(ROUTES)('%s', async (_name, r) => {
    // On the mock: POST, a follower joins, DELETE.
    const id = `parity-${r.route.replace(/\W+/g, '-')}`;
    const join = `${r.route}/${id}/stream`;
    const original = rawRequest(ctx.server.url, r.post, { body: { ...r.body, id, mock: MOCK } });
    await vi.waitFor(() => expect(ctx.server.stats().connections.some((c) => c.route === r.post.split('?')[0] && c.eventsWritten > 3)).toBe(true));
    const follower = rawRequest(ctx.server.url, join);
    await vi.waitFor(() => expect(ctx.server.stats().connections.some((c) => c.route === join && c.eventsWritten > 3)).toBe(true));
    await rawRequest(ctx.server.url, join, { method: 'DELETE' });
    const [, mockFollower] = await Promise.all([original, follower]);
    const fromMock = lastOf(mockFollower.text, r.framing);

    // Through the relay: the same provider route upstream, a follower joins, relay.cancel.
    const upstream = (signal: AbortSignal) =>
      fetch(`${ctx.server.url}${r.post}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...r.body, mock: MOCK }), signal });
    const streamId = `relay-${id}`;
    const started = await relay.handle(new Request('http://app.test/chat', { method: 'POST', body: '{}' }), { upstream, streamId });
    const first = follow(started.body!);
    await vi.waitFor(() => expect(first.text.split('data:').length).toBeGreaterThan(4));
    const joined = await relay.join(new Request(`http://app.test/chat/${streamId}/stream`), { streamId });
    const relayFollower = follow(joined.body!);
    await vi.waitFor(() => expect(relayFollower.text.split('data:').length).toBeGreaterThan(4));
    expect((await relay.cancel(new Request(`http://app.test/chat/${streamId}/stream`, { method: 'DELETE' }), { streamId })).status).toBe(204);
    await first.done;
    const fromRelay = lastOf(await relayFollower.done, 'sse');

    expect(JSON.stringify(fromRelay.data)).toContain('The stream was cancelled');
    expect(fromMock).toEqual(fromRelay);
  });
});
