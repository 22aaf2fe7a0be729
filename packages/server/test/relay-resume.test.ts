import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { createRelay, memoryStore, type Relay, type RelayStore } from '../src/index';
import { fetchUpstream, serveRelay, type Running } from './support/http';
import { eventsOf, openAiText, openSse } from './support/sse-client';
import { startUpstream, type UpstreamServer } from './support/upstream-server';

const TOKENS = ['The', ' quick', ' brown', ' fox', ' jumps', ' over', ' the', ' lazy', ' dog', '.'];
const TEXT = TOKENS.join('');

let upstream: UpstreamServer;
let relay: Relay;
let server: Running;

beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(async () => {
  await upstream.close();
});
afterEach(async () => {
  await relay?.close();
  await server?.close();
  upstream.calls.length = 0;
});

async function startRelay(options: Parameters<typeof createRelay>[0] = {}) {
  relay = createRelay({ store: memoryStore(), ...options });
  server = await serveRelay(relay, fetchUpstream(upstream.url));
}

describe('relay with memoryStore: resume after a drop', () => {
  it('a client that drops mid-stream resumes with Last-Event-ID to the exact text, with one upstream call', async () => {
    upstream.set({ tokens: TOKENS, holdAfter: 4 });
    await startRelay();
    const first = await openSse(server.url, { body: JSON.stringify({ prompt: 'hi' }) });
    expect(first.response.headers.get('content-type')).toBe('text/event-stream');
    expect(first.response.headers.get('cache-control')).toBe('no-cache');
    expect(first.response.headers.get('x-accel-buffering')).toBe('no');
    const before = await first.events(5); // role chunk + 4 tokens
    first.cut();

    const lastId = before[before.length - 1].id;
    expect(lastId).toMatch(/^[A-Za-z0-9_-]+:5$/);
    const resumed = await openSse(server.url, { headers: { 'last-event-id': lastId }, body: JSON.stringify({ prompt: 'hi' }) });
    upstream.release();
    const after = await resumed.rest();

    expect(openAiText([...before, ...after])).toBe(TEXT);
    expect(after[after.length - 1].data).toBe('[DONE]');
    const seqs = [...before, ...after].map((e) => Number(e.id.split(':')[1]));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(upstream.calls).toHaveLength(1);
    expect(JSON.parse(upstream.calls[0].body)).toEqual({ prompt: 'hi' });
  });

  it('passes event data through unchanged, byte for byte', async () => {
    upstream.set({ tokens: ['a\u00e9\u4e2d', '\ud83d\ude00', ' "q"\\'] });
    await startRelay();
    const client = await openSse(server.url);
    const events = await client.rest();
    expect(openAiText(events)).toBe('a\u00e9\u4e2d\ud83d\ude00 "q"\\');
    expect(JSON.parse(events[1].data)).toMatchObject({ object: 'chat.completion.chunk', model: 'gpt-test' });
  });

  it('when the client goes, the upstream is consumed to its end and the whole stream can be replayed', async () => {
    upstream.set({ tokens: TOKENS, holdAfter: 2 });
    await startRelay();
    const first = await openSse(server.url);
    const before = await first.events(3);
    first.cut();
    upstream.release();
    expect(await upstream.calls[0].outcome).toBe('complete');

    const streamId = before[0].id.split(':')[0];
    const url = new URL(server.url);
    url.searchParams.set('stream', streamId);
    url.searchParams.set('after', '0');
    const replay = await openSse(url.href, { method: 'GET', body: null });
    const all = await replay.rest();
    expect(openAiText(all)).toBe(TEXT);
    expect(all[0].id).toBe(`${streamId}:1`);
    expect(upstream.calls).toHaveLength(1);
  });

  it("onClientGone 'abort' aborts the upstream; a resuming client learns why in-band", async () => {
    upstream.set({ tokens: TOKENS, holdAfter: 2 });
    await startRelay({ onClientGone: 'abort' });
    const first = await openSse(server.url);
    const before = await first.events(3);
    first.cut();
    expect(await upstream.calls[0].outcome).toBe('aborted-by-client');
    expect(upstream.calls[0].written).toBe(2);

    const resumed = await openSse(server.url, { headers: { 'last-event-id': before[2].id } });
    const after = await resumed.rest();
    expect(after).toHaveLength(1);
    expect(JSON.parse(after[0].data)).toMatchObject({ error: { code: 'client_gone', type: 'api_error' } });
    expect(upstream.calls).toHaveLength(1);
  });

  it('an expired stream answers 404 with a JSON error', async () => {
    let clock = 1_000_000;
    relay = createRelay({ store: memoryStore({ now: () => clock }), ttlMs: 60_000 });
    server = await serveRelay(relay, fetchUpstream(upstream.url));
    upstream.set({ tokens: ['one'] });
    const client = await openSse(server.url);
    const events = await client.rest();
    const lastId = events[events.length - 1].id;

    const fresh = await fetch(server.url, { method: 'POST', headers: { 'last-event-id': lastId }, body: '{}' });
    expect(fresh.status).toBe(200);
    await fresh.body?.cancel();

    clock += 60_001;
    const expired = await fetch(server.url, { method: 'POST', headers: { 'last-event-id': lastId }, body: '{}' });
    expect(expired.status).toBe(404);
    expect(expired.headers.get('content-type')).toBe('application/json');
    expect(await expired.json()).toMatchObject({ error: { code: 'stream_not_found' } });
    expect(upstream.calls).toHaveLength(1);
  });

  it('an unknown stream is 404 and a foreign Last-Event-ID is 400, neither calls the upstream', async () => {
    await startRelay();
    const unknown = await fetch(server.url, { method: 'POST', headers: { 'last-event-id': 'nosuchstream:3' }, body: '{}' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'stream_not_found' } });
    const foreign = await fetch(server.url, { method: 'POST', headers: { 'last-event-id': 'chatcmpl-123' }, body: '{}' });
    expect(foreign.status).toBe(400);
    expect(await foreign.json()).toMatchObject({ error: { code: 'invalid_resume_point' } });
    const malformed = await fetch(`${server.url}?stream=abc&after=-1`);
    expect(malformed.status).toBe(400);
    await malformed.body?.cancel();
    expect(upstream.calls).toHaveLength(0);
  });

  it('a position past the end of a real stream is 400, not a stall', async () => {
    upstream.set({ tokens: ['a', 'b'] });
    await startRelay();
    const events = await (await openSse(server.url)).rest();
    const streamId = events[0].id.split(':')[0];
    const beyond = await fetch(server.url, { method: 'POST', headers: { 'last-event-id': `${streamId}:${events.length + 1}` },
      body: '{}' });
    expect(beyond.status).toBe(400);
    expect(await beyond.json()).toMatchObject({ error: { code: 'invalid_resume_point' } });
    const atEnd = await openSse(server.url, { headers: { 'last-event-id': `${streamId}:${events.length}` } });
    expect(await atEnd.rest()).toEqual([]);
    expect(upstream.calls).toHaveLength(1);
  });

  it('events evicted from a bounded store answer 410 instead of a gap', async () => {
    upstream.set({ tokens: TOKENS, holdAfter: 1 });
    // The first client's feed may itself notice the eviction before its disconnect lands: not this test's subject.
    relay = createRelay({ store: memoryStore({ maxEventsPerStream: 4 }), onError: () => undefined });
    server = await serveRelay(relay, fetchUpstream(upstream.url));
    const client = await openSse(server.url);
    const [first] = await client.events(1);
    client.cut();
    upstream.release();
    expect(await upstream.calls[0].outcome).toBe('complete');
    // The upstream has sent everything; wait until the relay has stored it too (under load its appends may trail).
    while (relay.stats().upstreams > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const gone = await fetch(server.url, { method: 'POST', headers: { 'last-event-id': first.id }, body: '{}' });
    expect(gone.status).toBe(410);
    expect(await gone.json()).toMatchObject({ error: { code: 'events_evicted' } });
  });

  it('a stream removed from the store mid-run still reaches its first client exactly; only resume is lost', async () => {
    const tokens = Array.from({ length: 50 }, (_, i) => `${i} `);
    upstream.set({ tokens, holdAfter: 2 });
    const store = memoryStore();
    const errors: unknown[] = [];
    relay = createRelay({ store, onError: (error) => errors.push(error) });
    server = await serveRelay(relay, fetchUpstream(upstream.url));
    const client = await openSse(server.url);
    const before = await client.events(3);
    await store.expire(before[0].id.split(':')[0], 0);
    upstream.release();
    expect(openAiText([...before, ...(await client.rest())])).toBe(tokens.join(''));
    expect(await upstream.calls[0].outcome).toBe('complete');
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/continues without resume/);
    const resumed = await fetch(server.url, { method: 'POST', headers: { 'last-event-id': before[2].id } });
    expect(resumed.status).toBe(404);
  });

  it('a client cut before the store has its last event resumes on another instance once the store catches up', async () => {
    upstream.set({ tokens: TOKENS });
    const shared = memoryStore();
    // A slow store: every event reaches the first client well before the store has it.
    const slow: RelayStore = { ...shared, append: async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      return shared.append(...args);
    } };
    relay = createRelay({ store: slow });
    const other = createRelay({ store: shared });
    try {
      const response = await relay.handle(new Request('http://relay.test/api/chat', { method: 'POST', body: '{}' }),
        { upstream: fetchUpstream(upstream.url) });
      const reader = response.body!.getReader();
      let text = '';
      while ((text.match(/\n\n/g) ?? []).length < 3) text += new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();
      const before = await eventsOf(new Response(text.slice(0, text.split('\n\n').slice(0, 3).join('\n\n').length + 2)));
      const resumed = await other.handle(new Request('http://relay.test/api/chat', { method: 'POST', body: '{}',
        headers: { 'last-event-id': before[2].id } }), { upstream: fetchUpstream(upstream.url) });
      expect(resumed.status).toBe(200);
      expect(openAiText([...before, ...(await eventsOf(resumed))])).toBe(TEXT);
      expect(upstream.calls).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('a failed store write leaves an error mark after the stored part, so a later resumer learns why it stops there', async () => {
    upstream.set({ tokens: TOKENS, holdAfter: 3 });
    const shared = memoryStore();
    let appends = 0;
    // The second write fails (a blip); the store takes writes again afterwards.
    const flaky: RelayStore = { ...shared, append: async (...args) => {
      if (++appends === 2) throw new Error('store blip');
      return shared.append(...args);
    } };
    const errors: unknown[] = [];
    relay = createRelay({ store: flaky, onError: (error) => errors.push(error) });
    const response = await relay.handle(new Request('http://relay.test/api/chat', { method: 'POST', body: '{}' }),
      { upstream: fetchUpstream(upstream.url) });
    const reading = eventsOf(response);
    await expect.poll(() => appends).toBeGreaterThanOrEqual(1);
    upstream.release();
    const live = await reading;
    expect(openAiText(live)).toBe(TEXT);
    await expect.poll(() => relay.stats().upstreams).toBe(0);
    expect(errors).toHaveLength(1);
    const runId = live[0].id.split(':')[0];
    const stored = await shared.read(runId, 0, 1000);
    expect(stored!.ended).toBe(true);
    const mark = stored!.events[stored!.events.length - 1];
    expect(JSON.parse(mark.data)).toMatchObject({ error: { code: 'relay_store_failed' } });
    expect(stored!.events.length).toBeLessThan(live.length);
  });

  it('a request whose client already left costs no upstream call', async () => {
    let calls = 0;
    relay = createRelay({ store: memoryStore() });
    const gone = new AbortController();
    gone.abort();
    const response = await relay.handle(new Request('http://relay.test/api/chat', { method: 'POST', body: '{}',
      signal: gone.signal }), { upstream: async () => {
      calls++;
      return new Response('data: [DONE]\n\n', { headers: { 'content-type': 'text/event-stream' } });
    } });
    await response.body?.cancel();
    await expect.poll(() => relay.stats().upstreams).toBe(0);
    expect(calls).toBe(0);
  });

  it('sends `: ping` heartbeats while the upstream is silent', async () => {
    upstream.set({ tokens: TOKENS, holdAfter: 1 });
    await startRelay({ heartbeatMs: 20 });
    const client = await openSse(server.url);
    let pings = 0;
    while (pings < 2) {
      const item = await client.next();
      if (item?.kind === 'comment') {
        expect(item.text).toBe('ping');
        pings++;
      }
    }
    upstream.release();
    expect(openAiText(await client.rest())).toBe(TOKENS.slice(1).join(''));
  });

  it('a full memory store answers 503 with Retry-After rather than dropping a live stream', async () => {
    upstream.set({ tokens: TOKENS, holdAfter: 1 });
    relay = createRelay({ store: memoryStore({ maxStreams: 1 }) });
    server = await serveRelay(relay, fetchUpstream(upstream.url));
    const live = await openSse(server.url);
    await live.events(2);
    const refused = await fetch(server.url, { method: 'POST', body: '{}' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    upstream.release();
    expect(openAiText(await live.rest())).toBe(TOKENS.slice(1).join(''));
    // Ended streams make room.
    const next = await openSse(server.url);
    expect(openAiText(await next.rest())).toBe(TEXT);
  });
});
