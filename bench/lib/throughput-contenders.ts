// The throughput contenders: each reads one OpenAI Chat SSE body (or the AI SDK 5 UI message stream for its Chat) and
// returns the answer text it assembled, so the bench can check every run exactly. Used by throughput.bench.ts.

import { Chat } from '@ai-sdk/react';
import { getBytes, getLines, getMessages } from '@microsoft/fetch-event-source/lib/esm/parse.js';
import { DefaultChatTransport } from 'ai';
import { createParser } from 'eventsource-parser';
import { createChat, createStream } from '../../packages/core/src/index';
import { bodyOf, fakeFetch } from './fixtures';
import { assert } from './stats';

interface OpenAIChunk {
  choices?: { delta?: { content?: string } }[];
}

function contentOf(data: string): string | undefined {
  if (data === '[DONE]') return undefined;
  const chunk = JSON.parse(data) as OpenAIChunk;
  return chunk.choices?.[0]?.delta?.content ?? undefined;
}

export async function viaFetchEventSourceParser(chunks: readonly Uint8Array[]): Promise<string> {
  const text: string[] = [];
  const onLine = getMessages(
    () => undefined,
    () => undefined,
    (message) => {
      const content = contentOf(message.data);
      if (content) text.push(content);
    },
  );
  await getBytes(bodyOf(chunks), getLines(onLine));
  return text.join('');
}

export async function viaEventsourceParser(chunks: readonly Uint8Array[]): Promise<string> {
  const text: string[] = [];
  const parser = createParser({
    onEvent(event) {
      const content = contentOf(event.data);
      if (content) text.push(content);
    },
  });
  const decoder = new TextDecoder();
  const reader = bodyOf(chunks).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  parser.feed(decoder.decode());
  return text.join('');
}

export async function viaAiSdkChat(chunks: readonly Uint8Array[]): Promise<string> {
  const chat = new Chat({
    transport: new DefaultChatTransport({
      api: 'http://bench.local/api/chat',
      fetch: fakeFetch(chunks, { 'x-vercel-ai-ui-message-stream': 'v1' }),
    }),
  });
  let notifications = 0;
  const unsubscribe = chat['~registerMessagesCallback'](() => notifications++);
  await chat.sendMessage({ text: 'hi' });
  unsubscribe();
  assert(chat.status === 'ready', `AI SDK chat ended with status ${chat.status}: ${String(chat.error)}`);
  const last = chat.messages[chat.messages.length - 1];
  return last.parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

export async function viaCreateStream(chunks: readonly Uint8Array[], maxEventBytes?: number): Promise<string> {
  const stream = createStream({
    url: 'http://bench.local/v1/chat/completions',
    body: { stream: true },
    fetch: fakeFetch(chunks),
    retry: false,
    ...(maxEventBytes === undefined ? {} : { maxEventBytes }),
  });
  let notifications = 0;
  const unsubscribe = stream.subscribe(() => notifications++);
  const snapshot = await stream.start();
  unsubscribe();
  assert(snapshot.status === 'done', `createStream ended with status ${snapshot.status}: ${snapshot.error?.message}`);
  return snapshot.text;
}

export async function viaCreateChat(chunks: readonly Uint8Array[]): Promise<string> {
  const chat = createChat({ url: 'http://bench.local/v1/chat/completions', model: 'gpt-4o-mini', fetch: fakeFetch(chunks), retry: false });
  let notifications = 0;
  const unsubscribe = chat.subscribe(() => notifications++);
  const snapshot = await chat.send('hi');
  unsubscribe();
  assert(snapshot.status === 'done', `createChat ended with status ${snapshot.status}: ${snapshot.error?.message}`);
  return snapshot.messages[snapshot.messages.length - 1].text;
}
