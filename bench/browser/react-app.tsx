// React contenders, one per page load (`?c=`): each shows the streamed answer in <pre id="out">.

import { useChat as useAiSdkChat } from '@ai-sdk/react';
import { useChat, useStream } from '@tokenstream/react';
import { DefaultChatTransport } from 'ai';
import { createParser } from 'eventsource-parser';
import { useEffect, useState, type ReactElement } from 'react';
import { createRoot } from 'react-dom/client';
import { contender, createHarness, reportError, streamUrl } from './page-harness';

function countRender(): void {
  window.__bench.renders++;
}

function TokenstreamUseStream() {
  countRender();
  const stream = useStream({ url: streamUrl('openai'), body: { messages: [] }, retry: false });
  useEffect(() => {
    stream.start().then((s) => s.error && reportError(s.error), reportError);
  }, []);
  return <pre id="out">{stream.text}</pre>;
}

function TokenstreamUseChat() {
  countRender();
  const chat = useChat({ url: streamUrl('openai'), model: 'bench', retry: false });
  useEffect(() => {
    chat.send('hi').then((s) => s.error && reportError(s.error), reportError);
  }, []);
  const last = chat.messages[chat.messages.length - 1];
  return <pre id="out">{last?.role === 'assistant' ? last.text : ''}</pre>;
}

/** What many apps write by hand: fetch, a parser, and setState for every delta. */
function NaiveSetStatePerDelta() {
  countRender();
  const [text, setText] = useState('');
  useEffect(() => {
    (async () => {
      const response = await fetch(streamUrl('openai'), { method: 'POST', body: '{}' });
      const parser = createParser({
        onEvent(event) {
          if (event.data === '[DONE]') return;
          const content = (JSON.parse(event.data) as { choices: { delta?: { content?: string } }[] }).choices[0]?.delta?.content;
          if (content) setText((previous) => previous + content);
        },
      });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    })().catch(reportError);
  }, []);
  return <pre id="out">{text}</pre>;
}

/**
 * The floor of any contender: the same fetch and parsing, but the text is shown once, at the end. What remains is the
 * cost of receiving 2,000 deltas/s on the main thread (network callbacks, decoding, JSON.parse), without rendering.
 */
function ParseOnlyRenderAtEnd() {
  countRender();
  const [text, setText] = useState('');
  useEffect(() => {
    (async () => {
      const response = await fetch(streamUrl('openai'), { method: 'POST', body: '{}' });
      const parts: string[] = [];
      const parser = createParser({
        onEvent(event) {
          if (event.data === '[DONE]') return;
          const content = (JSON.parse(event.data) as { choices: { delta?: { content?: string } }[] }).choices[0]?.delta?.content;
          if (content) parts.push(content);
        },
      });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
      setText(parts.join(''));
    })().catch(reportError);
  }, []);
  return <pre id="out">{text}</pre>;
}

function AiSdkUseChat({ throttle }: { throttle?: number }) {
  countRender();
  const [transport] = useState(() => new DefaultChatTransport({ api: streamUrl('ui') }));
  const { messages, sendMessage, error } = useAiSdkChat({ transport, experimental_throttle: throttle });
  useEffect(() => {
    sendMessage({ text: 'hi' }).catch(reportError);
  }, []);
  useEffect(() => {
    if (error) reportError(error);
  }, [error]);
  const last = messages[messages.length - 1];
  const text = last?.role === 'assistant' ? last.parts.map((part) => (part.type === 'text' ? part.text : '')).join('') : '';
  return <pre id="out">{text}</pre>;
}

const CONTENDERS: Record<string, () => ReactElement> = {
  'tokenstream-useStream': () => <TokenstreamUseStream />,
  'tokenstream-useChat': () => <TokenstreamUseChat />,
  'naive-setState': () => <NaiveSetStatePerDelta />,
  'floor-parse-only': () => <ParseOnlyRenderAtEnd />,
  'aisdk-useChat': () => <AiSdkUseChat />,
  'aisdk-useChat-throttle50': () => <AiSdkUseChat throttle={50} />,
};

createHarness((root) => {
  const render = CONTENDERS[contender];
  if (!render) throw new Error(`unknown contender ${contender}`);
  createRoot(root).render(render());
});
