// @vitest-environment happy-dom
// The same suites in a DOM, where requests go through @microsoft/fetch-event-source (see transport/http-attempt.ts).
import { expect, it, vi } from 'vitest';
import * as fetchEventSourceModule from '@microsoft/fetch-event-source';
import { createStream } from '../src/stream';
import { bytes, openAIChatStream, scriptedFetch, streamResponse } from '@tokenstream/test-utils';
import './wire/sse-spec.test';
import './stream.test';
import './resume.test';

vi.mock('@microsoft/fetch-event-source', { spy: true });

it('runs requests through fetch-event-source here', () => {
  expect(typeof window).toBe('object');
  expect(vi.mocked(fetchEventSourceModule.fetchEventSource)).toHaveBeenCalled();
});

it('a tab going hidden and visible again neither aborts nor re-sends the request', async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const { fetch, requests } = scriptedFetch((r) =>
    streamResponse(
      { chunks: [bytes(openAIChatStream(['a']).replace('data: [DONE]\n\n', '')), bytes('data: [DONE]\n\n')], before: (i) => (i === 1 ? held : undefined) },
      { signal: r.signal },
    ),
  );
  const done = createStream({ url: 'http://t', fetch }).start();
  await new Promise((resolve) => setTimeout(resolve, 10));
  for (const hidden of [true, false]) {
    Object.defineProperty(document, 'hidden', { value: hidden, configurable: true });
    Object.defineProperty(document, 'visibilityState', { value: hidden ? 'hidden' : 'visible', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(requests[0]!.signal!.aborted).toBe(false);
  release();
  const snapshot = await done;
  expect(snapshot).toMatchObject({ status: 'done', text: 'a' });
  expect(requests).toHaveLength(1);
});
