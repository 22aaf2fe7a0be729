import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockStreamServer, mockAnswer } from '@tokenstream/mock-server';
import { createChat } from '../../src/chat/chat';
import { prepareOpenAIChatBody } from '../../src/chat/bodies';
import type { ChatController, ChatMessage, ChatOptions, StreamStatus } from '../../src/types';
import { waitUntil } from '@tokenstream/test-utils';

// Resume against @tokenstream/mock-server's chat streams (GET/DELETE {route}/{id}/stream), an implementation written
// apart from core: the chat's POST body names the stream by its top-level `id`, the mock counts generations.

type Server = Awaited<ReturnType<ReturnType<typeof createMockStreamServer>['listen']>>;
let server: Server;
beforeAll(async () => {
  server = await createMockStreamServer().listen(0);
});
afterAll(() => server.close());

const SCENARIO = { length: 60, tokensPerSecond: 200 };

/** The OpenAI Chat body plus the mock's scenario; remembers what was posted (the mock's answer derives from it). */
function chatOptions(id: string, extra: Partial<ChatOptions> = {}): ChatOptions & { posted: unknown[] } {
  const posted: unknown[] = [];
  return {
    url: `${server.url}/v1/chat/completions`,
    provider: 'openai',
    throttle: 0,
    id,
    resume: true,
    prepareBody: (messages, ctx) => {
      const body = { ...prepareOpenAIChatBody(messages, ctx), mock: SCENARIO, id: ctx.id };
      posted.push(body);
      return body;
    },
    posted,
    ...extra,
  };
}

/** The answer's text so far (the last message, when it is the assistant's). */
const lastText = (chat: ChatController) => {
  const last = chat.getSnapshot().messages.at(-1);
  return last?.role === 'assistant' ? last.text : '';
};

describe('createChat with resume against the mock server', () => {
  it('reload mid-answer: the joined chat continues to the exact final text, one generation in total', async () => {
    const before = server.stats().generations;
    const options = chatOptions('mock-reload');
    const first = createChat(options);
    const sent = first.send('hello there');
    await waitUntil(() => lastText(first).length > 20, 'part of the answer');
    const saved: ChatMessage[] = first.getSnapshot().messages;
    first.leave();
    await sent;

    const reloaded = createChat(chatOptions('mock-reload', { messages: saved }));
    const statuses: StreamStatus[] = [];
    reloaded.subscribe(() => statuses.push(reloaded.getSnapshot().status));
    await waitUntil(() => reloaded.getSnapshot().status === 'done', 'the joined answer');
    const expected = mockAnswer(options.posted[0]).text;
    expect(expected.length).toBeGreaterThan(lastText(first).length);
    expect(reloaded.getSnapshot().messages.map((m) => [m.id, m.text])).toEqual([
      [saved[0].id, 'hello there'],
      [saved[1].id, expected],
    ]);
    expect(server.stats().generations).toBe(before + 1);
  });

  it('a second tab shows the same text live; a late join gets the whole answer', async () => {
    const options = chatOptions('mock-tabs');
    const tab1 = createChat(options);
    const sent = tab1.send('two tabs');
    await waitUntil(() => lastText(tab1).length > 5, 'the answer to start');
    const tab2 = createChat(chatOptions('mock-tabs', { messages: tab1.getSnapshot().messages.slice(0, 1) }));
    const joined = tab2.join();
    await waitUntil(() => tab2.getSnapshot().status === 'streaming', 'the second tab to stream');
    const [one, two] = await Promise.all([sent, joined]);
    const expected = mockAnswer(options.posted[0]).text;
    expect(one.messages.at(-1)?.text).toBe(expected);
    expect(two.messages.at(-1)?.text).toBe(expected);
    expect(two.status).toBe('done');
    const late = await createChat(chatOptions('mock-tabs')).join();
    expect(late.messages.at(-1)?.text).toBe(expected);
  });

  it('a chat with no stream: 204, idle, no notification', async () => {
    const chat = createChat(chatOptions('mock-nobody'));
    let notifications = 0;
    chat.subscribe(() => notifications++);
    const snapshot = await chat.join();
    expect(snapshot.status).toBe('idle');
    expect(notifications).toBe(0);
  });

  it('stop() → DELETE: the mock stops generating and the partial text stays', async () => {
    const chat = createChat(chatOptions('mock-stop'));
    const sent = chat.send('stop me');
    await waitUntil(() => lastText(chat).length > 10, 'part of the answer');
    chat.stop();
    const partial = (await sent).messages.at(-1)!;
    expect(partial.status).toBe('aborted');
    // The stream on the server ends where it was stopped: two reads of it, apart in time, hold the same events.
    // (Read raw: the stream's own bytes, which end with the protocol's in-band `cancelled` event.)
    await new Promise((resolve) => setTimeout(resolve, 50));
    const url = `${server.url}/v1/chat/completions/mock-stop/stream`;
    const once = await (await fetch(url)).text();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await (await fetch(url)).text()).toBe(once);
    const generated = [...once.matchAll(/"content":"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string).join('');
    expect(generated.startsWith(partial.text)).toBe(true);
    expect(generated.length).toBeLessThan(mockAnswer({ messages: [{ role: 'user', content: 'stop me' }], mock: SCENARIO }).text.length);
  });

  it('leave() sends no DELETE: the generation finishes and can be joined', async () => {
    const options = chatOptions('mock-leave');
    const chat = createChat(options);
    const sent = chat.send('leave me');
    await waitUntil(() => lastText(chat).length > 5, 'part of the answer');
    chat.leave();
    await sent;
    const joined = await createChat(chatOptions('mock-leave')).join();
    expect(joined.status).toBe('done');
    expect(joined.messages.at(-1)?.text).toBe(mockAnswer(options.posted[0]).text);
  });
});
