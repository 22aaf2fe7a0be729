import { describe, expect, it } from 'vitest';
import { createChat } from '../src/chat/chat';
import { createStream } from '../src/stream';
import { bytes, openAIChatStream, scriptedFetch, streamResponse } from '@tokenstream/test-utils';

// setOptions (TanStack Query's observer pattern): request fields at the next start, callbacks live.
describe('setOptions', () => {
  it('a stream reads the new url and body at the next start, and a running stream calls the newest callbacks', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { fetch, requests } = scriptedFetch((request) =>
      streamResponse({ chunks: [bytes(openAIChatStream(['a', 'b']))], before: (i) => (i === 0 ? gate : undefined) }, { signal: request.signal }));
    const seen: string[] = [];
    const stream = createStream({ url: 'http://test/one', body: { n: 1 }, fetch, throttle: 0, onFinish: () => seen.push('old') });
    const running = stream.start();
    stream.setOptions({ url: 'http://test/two', body: { n: 2 }, fetch, throttle: 0, onFinish: () => seen.push('new') });
    release();
    await running;
    expect(seen).toEqual(['new']);
    expect(requests[0]).toMatchObject({ url: 'http://test/one', body: '{"n":1}' });
    await stream.start();
    expect(requests[1]).toMatchObject({ url: 'http://test/two', body: '{"n":2}' });
  });

  it('a chat builds its next request from the new options', async () => {
    const { fetch, requests } = scriptedFetch((request) => streamResponse({ chunks: [bytes(openAIChatStream(['ok']))] }, { signal: request.signal }));
    const chat = createChat({ url: 'http://test/chat', model: 'model-a', fetch, throttle: 0 });
    await chat.send('one');
    chat.setOptions({ url: 'http://test/chat', model: 'model-b', fetch, throttle: 0 });
    await chat.send('two');
    expect(JSON.parse(requests[0]!.body!).model).toBe('model-a');
    expect(JSON.parse(requests[1]!.body!).model).toBe('model-b');
  });
});
