import { describe, expect, it } from 'vitest';
import { bytes, openAIChatStream, scriptedFetch, streamResponse } from '@tokenstream/test-utils';
import { createStream } from '../src/stream';

const sse = (body: string) =>
  scriptedFetch((request) => (body === '' ? new Response(null, { status: 204 }) : streamResponse({ chunks: [bytes(body)] }, { signal: request.signal })));

describe('join()', () => {
  it('stop() right after join(): no request, the snapshot unchanged', async () => {
    const { fetch, requests } = sse(openAIChatStream(['a']));
    const stream = createStream({ url: 'http://test/unused', fetch, throttle: 0 });
    const before = stream.getSnapshot();
    const joined = stream.join('http://test/join');
    stream.stop();
    expect(await joined).toBe(before);
    expect(requests).toHaveLength(0);
  });

  it('GETs the url with the stream headers and the join headers; a 204 changes nothing a subscriber sees', async () => {
    const { fetch, requests } = sse(openAIChatStream(['He', 'llo']));
    const stream = createStream({ url: 'http://test/unused', fetch, throttle: 0, headers: { 'x-app': '1' } });
    expect(await stream.join('http://test/join', { headers: { 'x-join': '2' } })).toMatchObject({ status: 'done', text: 'Hello' });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ url: 'http://test/join', method: 'GET' });
    expect(requests[0]!.headers).toMatchObject({ 'x-app': '1', 'x-join': '2' });

    const nothing = createStream({ url: 'http://test/unused', fetch: sse('').fetch, throttle: 0 });
    const statuses: string[] = [];
    nothing.subscribe(() => statuses.push(nothing.getSnapshot().status));
    expect(await nothing.join('http://test/join')).toMatchObject({ status: 'idle', error: null });
    expect(statuses).toEqual([]);
  });
});
