// Vue contenders, one per page load (`?c=`): each shows the streamed answer in <pre id="out">.

import { useChat, useStream } from '@tokenstream/vue';
import { createParser } from 'eventsource-parser';
import { createApp, defineComponent, h, onMounted, ref } from 'vue';
import { contender, createHarness, reportError, streamUrl } from './page-harness';

const TokenstreamUseStream = defineComponent(() => {
  const stream = useStream({ url: streamUrl('openai'), body: { messages: [] }, retry: false });
  onMounted(() => {
    stream.start().then((s) => s.error && reportError(s.error), reportError);
  });
  return () => {
    window.__bench.renders++;
    return h('pre', { id: 'out' }, stream.text.value);
  };
});

const TokenstreamUseChat = defineComponent(() => {
  const chat = useChat({ url: streamUrl('openai'), model: 'bench', retry: false });
  onMounted(() => {
    chat.send('hi').then((s) => s.error && reportError(s.error), reportError);
  });
  return () => {
    window.__bench.renders++;
    const messages = chat.messages.value;
    const last = messages[messages.length - 1];
    return h('pre', { id: 'out' }, last?.role === 'assistant' ? last.text : '');
  };
});

/** A ref appended to for every delta (Vue batches the re-render to its next tick). */
const NaiveRefPerDelta = defineComponent(() => {
  const text = ref('');
  onMounted(async () => {
    try {
      const response = await fetch(streamUrl('openai'), { method: 'POST', body: '{}' });
      const parser = createParser({
        onEvent(event) {
          if (event.data === '[DONE]') return;
          const content = (JSON.parse(event.data) as { choices: { delta?: { content?: string } }[] }).choices[0]?.delta?.content;
          if (content) text.value += content;
        },
      });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch (error) {
      reportError(error);
    }
  });
  return () => {
    window.__bench.renders++;
    return h('pre', { id: 'out' }, text.value);
  };
});

const CONTENDERS: Record<string, ReturnType<typeof defineComponent>> = {
  'tokenstream-useStream': TokenstreamUseStream,
  'tokenstream-useChat': TokenstreamUseChat,
  'naive-ref': NaiveRefPerDelta,
};

createHarness((root) => {
  const component = CONTENDERS[contender];
  if (!component) throw new Error(`unknown contender ${contender}`);
  createApp(component).mount(root);
});
