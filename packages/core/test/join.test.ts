import { afterEach, describe, expect, it, vi } from 'vitest';
import { bytes, openAIChatStream, scriptedFetch, streamResponse } from '@tokenstream/test-utils';

// join() loads its first-GET logic (src/join.ts) on demand. Each test starts from a fresh module registry.
afterEach(() => {
  vi.doUnmock('../src/join');
  vi.resetModules();
});

const sse = (body: string) =>
  scriptedFetch((request) => (body === '' ? new Response(null, { status: 204 }) : streamResponse({ chunks: [bytes(body)] }, { signal: request.signal })));

describe('join(): the join chunk', () => {
  it('stop() while the chunk loads: no request, the snapshot unchanged', async () => {
    const { createStream } = await import('../src/stream');
    const { fetch, requests } = sse(openAIChatStream(['a']));
    const stream = createStream({ url: 'http://test/unused', fetch, throttle: 0 });
    const before = stream.getSnapshot();
    const joined = stream.join('http://test/join');
    stream.stop();
    expect(await joined).toBe(before);
    expect(requests).toHaveLength(0);
  });

  it('a chunk that fails to load: the join is a plain GET run with the join headers, and still ends', async () => {
    vi.doMock('../src/join', () => {
      throw new Error('Failed to fetch dynamically imported module');
    });
    const { createStream } = await import('../src/stream');
    const { fetch, requests } = sse(openAIChatStream(['He', 'llo']));
    const stream = createStream({ url: 'http://test/unused', fetch, throttle: 0, headers: { 'x-app': '1' } });
    const snapshot = await stream.join('http://test/join', { headers: { 'x-join': '2' } });
    expect(snapshot).toMatchObject({ status: 'done', text: 'Hello' });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ url: 'http://test/join', method: 'GET' });
    expect(requests[0]!.headers).toMatchObject({ 'x-app': '1', 'x-join': '2' });

    // The one difference: a 204 is answered after 'connecting' showed (the join chunk shows nothing before it).
    const nothing = createStream({ url: 'http://test/unused', fetch: sse('').fetch, throttle: 0 });
    const statuses: string[] = [];
    nothing.subscribe(() => statuses.push(nothing.getSnapshot().status));
    expect(await nothing.join('http://test/join')).toMatchObject({ status: 'idle', error: null });
    expect(statuses).toEqual(['connecting', 'idle']);
  });
});
