import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createChat } from '../../src/chat/chat';
import { asStoppedByServer, resumeUrlOf, withChatId } from '../../src/chat/resume';
import { StreamError } from '../../src/errors';
import { createStream } from '../../src/stream';
import type { ChatController, ChatMessage, ChatOptions, StreamStatus } from '../../src/types';
import { answerTokens, startResumeTestServer, type ResumeTestServer } from './resume-test-server';
import { waitUntil } from '@tokenstream/test-utils';

// Resume, join, stop versus leave, over real HTTP on 127.0.0.1 against a server with the contract's semantics.

const TOKENS = answerTokens(40);
const FULL_TEXT = TOKENS.join('');

let server: ResumeTestServer;
beforeEach(async () => {
  server = await startResumeTestServer({ tokens: TOKENS, intervalMs: 10 });
});
afterEach(() => server.close());

function chatOptions(overrides: Partial<ChatOptions> = {}): ChatOptions {
  return { url: `${server.url}/api/chat`, provider: 'openai', throttle: 0, resume: true, ...overrides };
}

/** The answer's text so far (the last message, when it is the assistant's). */
const lastText = (chat: ChatController) => {
  const last = chat.getSnapshot().messages.at(-1);
  return last?.role === 'assistant' ? last.text : '';
};
const requestsOf = (method: string) => server.requests.filter((request) => request.method === method);

function recordStatuses(chat: ChatController): StreamStatus[] {
  const statuses: StreamStatus[] = [];
  chat.subscribe(() => {
    const status = chat.getSnapshot().status;
    if (statuses.at(-1) !== status) statuses.push(status);
  });
  return statuses;
}

describe('createChat with resume', () => {
  it('a reload mid-answer joins the running answer and rebuilds it exactly: one generation in total', async () => {
    const first = createChat(chatOptions({ id: 'chat-reload' }));
    const sent = first.send('hello');
    await waitUntil(() => lastText(first).length > 20, 'part of the answer');
    const saved: ChatMessage[] = first.getSnapshot().messages; // what the app had persisted before the reload
    first.leave();
    await sent;
    expect(first.getSnapshot().status).toBe('aborted');
    expect(server.ended('chat-reload')).toBe(false);

    const reloaded = createChat(chatOptions({ id: 'chat-reload', messages: saved }));
    const statuses = recordStatuses(reloaded); // the first subscribe joins
    await waitUntil(() => reloaded.getSnapshot().status === 'done', 'the joined answer to end');

    const messages = reloaded.getSnapshot().messages;
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(messages[1].text).toBe(FULL_TEXT);
    expect(messages[1].id).toBe(saved[1].id); // the saved partial was rebuilt, not a second answer appended
    expect(statuses.at(-1)).toBe('done');
    expect(server.generations).toBe(1);
    expect(requestsOf('POST')).toHaveLength(1);
    expect(requestsOf('DELETE')).toHaveLength(0);
  });

  it('a second tab follows the same answer live', async () => {
    const tab1 = createChat(chatOptions({ id: 'chat-tabs' }));
    const sent = tab1.send('hello');
    await waitUntil(() => server.produced('chat-tabs') > 3, 'the answer to start');
    const tab2 = createChat(chatOptions({ id: 'chat-tabs', messages: tab1.getSnapshot().messages.slice(0, 1) }));
    const joined = tab2.join();
    await waitUntil(() => tab2.getSnapshot().status === 'streaming', 'the second tab to stream');
    expect(server.ended('chat-tabs')).toBe(false); // it joined while the answer was still being generated
    const [one, two] = await Promise.all([sent, joined]);
    expect(one.messages.at(-1)?.text).toBe(FULL_TEXT);
    expect(two.messages.map((m) => [m.role, m.text])).toEqual([
      ['user', 'hello'],
      ['assistant', FULL_TEXT],
    ]);
    expect(two.status).toBe('done');
    expect(server.generations).toBe(1);
  });

  it('a join that drops reconnects with Last-Event-ID and still ends with the exact text', async () => {
    const first = createChat(chatOptions({ id: 'chat-drop' }));
    void first.send('hello');
    await waitUntil(() => server.produced('chat-drop') > 2, 'the answer to start');
    first.leave();
    const tab = createChat(chatOptions({ id: 'chat-drop', retry: { baseDelayMs: 1, maxDelayMs: 5 } }));
    const joined = tab.join();
    await waitUntil(() => lastText(tab).length > 10, 'the joined text');
    server.dropFollowers('chat-drop');
    const snapshot = await joined;
    expect(snapshot.status).toBe('done');
    expect(snapshot.messages.at(-1)?.text).toBe(FULL_TEXT);
    const joins = requestsOf('GET');
    expect(joins.length).toBeGreaterThanOrEqual(2);
    expect(joins[0].headers['last-event-id']).toBeUndefined();
    expect(joins[1].headers['last-event-id']).toMatch(/^1:\d+$/);
    expect(server.generations).toBe(1);
  });

  it('a join after the answer finished gets the whole answer', async () => {
    const first = createChat(chatOptions({ id: 'chat-finished' }));
    await first.send('hello');
    const late = createChat(chatOptions({ id: 'chat-finished', messages: first.getSnapshot().messages.slice(0, 1) }));
    const snapshot = await late.join();
    expect(snapshot.status).toBe('done');
    expect(snapshot.messages.map((m) => m.text)).toEqual(['hello', FULL_TEXT]);
    expect(server.generations).toBe(1);
  });

  it('nothing running (204): the chat stays idle and no subscriber is ever notified', async () => {
    const history: ChatMessage[] = [{ id: 'u1', role: 'user', text: 'earlier' }];
    const chat = createChat(chatOptions({ id: 'chat-empty', messages: history }));
    let notifications = 0;
    chat.subscribe(() => notifications++); // joins
    await waitUntil(() => requestsOf('GET').length === 1, 'the join request');
    const snapshot = await chat.join(); // a second, explicit join: its promise tells when the 204 was read
    expect(snapshot.status).toBe('idle');
    expect(snapshot.messages).toEqual(history);
    expect(notifications).toBe(0);
    expect(chat.getSnapshot()).toBe(snapshot);
  });

  it('joins once, on the first subscribe only', async () => {
    const chat = createChat(chatOptions({ id: 'chat-once' }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(requestsOf('GET')).toHaveLength(0); // created (as during SSR) but never subscribed: no request
    const unsubscribe = chat.subscribe(() => undefined);
    unsubscribe(); // StrictMode: subscribe, unsubscribe, subscribe again
    chat.subscribe(() => undefined);
    await waitUntil(() => requestsOf('GET').length === 1, 'the join request');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(requestsOf('GET')).toHaveLength(1);
  });

  it('stop() ends the local read and DELETEs the resume url: the server stops generating, the partial text stays', async () => {
    const chat = createChat(chatOptions({ id: 'chat-stop' }));
    const sent = chat.send('hello');
    await waitUntil(() => lastText(chat).length > 20, 'part of the answer');
    chat.stop();
    const partial = lastText(chat);
    expect((await sent).status).toBe('aborted');
    await waitUntil(() => requestsOf('DELETE').length === 1, 'the DELETE');
    expect(requestsOf('DELETE')[0].path).toBe('/api/chat/chat-stop/stream');
    await waitUntil(() => server.ended('chat-stop'), 'the generation to stop');
    const produced = server.produced('chat-stop');
    expect(produced).toBeLessThan(TOKENS.length);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(server.produced('chat-stop')).toBe(produced); // no further tokens
    expect(FULL_TEXT.startsWith(partial)).toBe(true);
    expect(chat.getSnapshot().messages.at(-1)).toMatchObject({ role: 'assistant', text: partial, status: 'aborted' });
  });

  it('stop() of a joined answer stops it on the server too', async () => {
    const tab1 = createChat(chatOptions({ id: 'chat-stop-joined' }));
    const sent = tab1.send('hello');
    const tab2 = createChat(chatOptions({ id: 'chat-stop-joined', messages: [] }));
    await waitUntil(() => server.produced('chat-stop-joined') > 2, 'the answer to start');
    const joined = tab2.join();
    await waitUntil(() => lastText(tab2).length > 10, 'the joined text');
    tab2.stop();
    expect((await joined).status).toBe('aborted');
    await waitUntil(() => server.ended('chat-stop-joined'), 'the generation to stop');
    expect(server.produced('chat-stop-joined')).toBeLessThan(TOKENS.length);
    // The tab that sent sees the answer end where the server stopped it.
    const final = await sent;
    expect(FULL_TEXT.startsWith(final.messages.at(-1)?.text ?? '')).toBe(true);
  });

  it('leaving (leave(), or aborting options.signal) sends no DELETE: the answer finishes and can be joined', async () => {
    const signal = new AbortController();
    const chat = createChat(chatOptions({ id: 'chat-leave', signal: signal.signal }));
    const sent = chat.send('hello');
    await waitUntil(() => lastText(chat).length > 10, 'part of the answer');
    signal.abort();
    expect((await sent).status).toBe('aborted');
    await waitUntil(() => server.ended('chat-leave'), 'the generation to finish');
    expect(server.produced('chat-leave')).toBe(TOKENS.length);
    expect(requestsOf('DELETE')).toHaveLength(0);
    const later = createChat(chatOptions({ id: 'chat-leave' }));
    expect((await later.join()).messages.at(-1)?.text).toBe(FULL_TEXT);
  });

  it('a new send while an answer streams supersedes it without a DELETE (which could stop the new answer)', async () => {
    const chat = createChat(chatOptions({ id: 'chat-supersede' }));
    void chat.send('first');
    await waitUntil(() => lastText(chat).length > 5, 'part of the first answer');
    const second = await chat.send('second');
    expect(second.status).toBe('done');
    expect(second.messages.at(-1)?.text).toBe(FULL_TEXT);
    expect(requestsOf('DELETE')).toHaveLength(0);
  });

  it('every POST names the chat in a top-level id; the GET and DELETE use the chat headers and fetch', async () => {
    const seen: string[] = [];
    const fetchSpy: typeof fetch = (input, init) => {
      seen.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`);
      return fetch(input, init);
    };
    const chat = createChat(
      chatOptions({ id: 'chat-headers', fetch: fetchSpy, headers: () => ({ authorization: 'Bearer sk-test' }) }),
    );
    await chat.send('hello');
    await chat.join();
    const sent = chat.send('again');
    await waitUntil(() => lastText(chat).length > 5, 'part of the answer');
    chat.stop();
    await sent;
    await waitUntil(() => requestsOf('DELETE').length === 1, 'the DELETE');
    expect(seen).toEqual([
      'POST /api/chat',
      'GET /api/chat/chat-headers/stream',
      'POST /api/chat',
      'DELETE /api/chat/chat-headers/stream',
    ]);
    for (const request of server.requests) expect(request.headers.authorization).toBe('Bearer sk-test');
    for (const request of requestsOf('POST')) expect(request.body).toMatchObject({ id: 'chat-headers', stream: true });
  });

  it('a join that fails (404: no such route) is an http error, not a silent idle chat', async () => {
    const chat = createChat(chatOptions({ id: 'chat-404', resume: { url: `${server.url}/nowhere` } }));
    const snapshot = await chat.join();
    expect(snapshot.status).toBe('error');
    expect(snapshot.error).toMatchObject({ kind: 'http', status: 404 });
    expect(snapshot.messages).toEqual([]);
  });

  it('a join answered by an HTML page (an SPA fallback) is an error and keeps the saved messages', async () => {
    const saved: ChatMessage[] = [
      { id: 'u1', role: 'user', text: 'hi' },
      { id: 'a1', role: 'assistant', text: 'saved partial' },
    ];
    const chat = createChat(chatOptions({ id: 'chat-spa', messages: saved, resume: { url: `${server.url}/spa` } }));
    const snapshot = await chat.join();
    expect(snapshot.status).toBe('error');
    expect(snapshot.error?.kind).toBe('http');
    expect(snapshot.messages).toEqual(saved);
  });

  it('stop() while the join request is pending changes nothing and still asks the server to stop', async () => {
    const history: ChatMessage[] = [{ id: 'a1', role: 'assistant', text: 'kept as it was' }];
    const chat = createChat(chatOptions({ id: 'chat-stop-pending', messages: history }));
    let notifications = 0;
    chat.subscribe(() => notifications++); // joins
    chat.stop();
    await waitUntil(() => requestsOf('DELETE').length === 1, 'the DELETE');
    expect(notifications).toBe(0);
    expect(chat.getSnapshot().messages).toEqual(history);
    expect(chat.getSnapshot().status).toBe('idle');
  });
});

describe('createChat without resume', () => {
  it('sends no id, joins nothing and stop() sends no DELETE', async () => {
    const prepareBody: ChatOptions['prepareBody'] = (messages, ctx) => ({ messages: messages.map((m) => m.text), id: ctx.id });
    const chat = createChat(chatOptions({ resume: undefined, prepareBody }));
    chat.subscribe(() => undefined);
    expect(chat.id).toMatch(/\S{8,}/);
    const sent = chat.send('hello');
    await waitUntil(() => lastText(chat).length > 5, 'part of the answer');
    chat.stop();
    await sent;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(server.requests.map((r) => r.method)).toEqual(['POST']);
    expect(server.requests[0].body).toEqual({ messages: ['hello'], id: chat.id }); // ctx.id is the chat's id
  });
});

describe('resume helpers', () => {
  it('the default resume url is `${url}/${id}/stream`, without the POST route query; an explicit url wins', () => {
    expect(resumeUrlOf({ url: '/api/chat', resume: true }, 'c1')).toBe('/api/chat/c1/stream');
    expect(resumeUrlOf({ url: 'https://x.test/api/chat/?v=2#h', resume: true }, 'a/b c')).toBe(
      'https://x.test/api/chat/a%2Fb%20c/stream',
    );
    expect(resumeUrlOf({ url: new URL('https://x.test/chat'), resume: {} }, 'c1')).toBe('https://x.test/chat/c1/stream');
    expect(resumeUrlOf({ url: '/api/chat', resume: { url: '/streams/c1' } }, 'c1')).toBe('/streams/c1');
    expect(resumeUrlOf({ url: '/api/chat' }, 'c1')).toBeNull();
  });

  it('only a provider error coded `cancelled` (the relay stopping a stream on request) reads as a stop', () => {
    const base = createStream({ url: 'unused' }).getSnapshot();
    const cancelled = { ...base, status: 'error' as const, text: 'part', error: new StreamError('provider', 'x', { code: 'cancelled' }) };
    expect(asStoppedByServer(cancelled)).toMatchObject({ status: 'aborted', error: null, text: 'part' });
    const google = { ...cancelled, error: new StreamError('provider', 'x', { code: 'CANCELLED' }) }; // Gemini's status
    expect(asStoppedByServer(google)).toMatchObject({ status: 'aborted', error: null, text: 'part' });
    const other = { ...cancelled, error: new StreamError('provider', 'x', { code: 'overloaded' }) };
    expect(asStoppedByServer(other)).toBe(other);
    const uncoded = { ...cancelled, error: new StreamError('provider', 'The stream was cancelled') };
    expect(asStoppedByServer(uncoded)).toBe(uncoded);
    const network = { ...cancelled, error: new StreamError('network', 'x', { code: 'cancelled' }) };
    expect(asStoppedByServer(network)).toBe(network);
  });

  it('the chat id goes into plain-object bodies only', () => {
    expect(withChatId({ messages: [], id: 'other' }, 'c1')).toEqual({ messages: [], id: 'c1' });
    const form = new FormData();
    expect(withChatId(form, 'c1')).toBe(form);
    expect(withChatId('raw', 'c1')).toBe('raw');
    expect(withChatId([1], 'c1')).toEqual([1]);
  });
});

describe('StreamController.join', () => {
  const streamUrl = (id: string) => `${server.url}/api/chat/${id}/stream`;

  it('204: stays idle with no notification', async () => {
    const stream = createStream({ url: `${server.url}/unused`, provider: 'openai', throttle: 0 });
    let notifications = 0;
    stream.subscribe(() => notifications++);
    const snapshot = await stream.join(streamUrl('none'), { headers: { 'x-join': '1' } });
    expect(snapshot.status).toBe('idle');
    expect(notifications).toBe(0);
    expect(requestsOf('GET')[0].headers['x-join']).toBe('1');
  });

  it('follows a running stream from its start to the end', async () => {
    const chat = createChat(chatOptions({ id: 'stream-join' }));
    const sent = chat.send('hello');
    await waitUntil(() => server.produced('stream-join') > 5, 'the answer to start');
    const stream = createStream({ url: `${server.url}/unused`, provider: 'openai', throttle: 0 });
    const snapshot = await stream.join(streamUrl('stream-join'));
    expect(snapshot.status).toBe('done');
    expect(snapshot.text).toBe(FULL_TEXT);
    expect(requestsOf('GET')[0].headers['last-event-id']).toBeUndefined(); // from the start
    await sent;
  });

  it('stop() while the GET is pending resolves with the unchanged snapshot', async () => {
    const stream = createStream({ url: `${server.url}/unused`, provider: 'openai', throttle: 0 });
    const joined = stream.join(streamUrl('none'));
    stream.stop();
    expect((await joined).status).toBe('idle');
  });
});
