// The page of markdown.bench.ts: one contender renders a markdown answer that grows by a frame's worth of characters
// per update; each update is timed from the state change to a forced layout (script + style + layout, not paint).

import { StreamingMarkdown } from '@tokenstream/react';
import { StreamingMarkdown as VueStreamingMarkdown } from '@tokenstream/vue';
import { marked } from 'marked';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import ReactMarkdown from 'react-markdown';
import { createApp, h, nextTick, ref } from 'vue';

type Update = (text: string) => void | Promise<void>;

const parse = (text: string) => marked.parse(text, { async: false }) as string;

function react(root: HTMLElement, view: (text: string) => React.ReactNode): Update {
  const reactRoot = createRoot(root);
  return (text) => flushSync(() => reactRoot.render(view(text)));
}

function vue(root: HTMLElement, view: (text: string) => ReturnType<typeof h>): Update {
  const text = ref('');
  createApp({ render: () => view(text.value) }).mount(root);
  return async (next) => {
    text.value = next;
    await nextTick();
  };
}

const CONTENDERS: Record<string, { whole: boolean; mount: (root: HTMLElement) => Update }> = {
  'react-blocks': { whole: false, mount: (root) => react(root, (text) => <StreamingMarkdown text={text} />) },
  'react-marked-whole': { whole: true, mount: (root) => react(root, (text) => <div dangerouslySetInnerHTML={{ __html: parse(text) }} />) },
  'react-markdown-whole': { whole: true, mount: (root) => react(root, (text) => <ReactMarkdown>{text}</ReactMarkdown>) },
  'vue-blocks': { whole: false, mount: (root) => vue(root, (text) => h(VueStreamingMarkdown, { text })) },
  'vue-marked-whole': { whole: true, mount: (root) => vue(root, (text) => h('div', { innerHTML: parse(text) })) },
  'dom-marked-whole': {
    whole: true,
    mount: (root) => (text) => {
      root.innerHTML = parse(text);
    },
  },
};

const pause = () => new Promise((resolve) => setTimeout(resolve, 0));

async function run(id: string, text: string, step: number, checkpoints: number[], window: number) {
  const contender = CONTENDERS[id]!;
  const root = document.createElement('div');
  document.body.replaceChildren(root);
  const update = contender.mount(root);
  // The block renderers load marked on first use: wait for it before timing.
  await update('# warm-up');
  for (let i = 0; i < 100 && !root.querySelector('h1'); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  const measured = (end: number) => checkpoints.some((cp) => end > cp - window * step && end <= cp);
  const samples: Array<{ end: number; ms: number }> = [];
  for (let end = step; end <= text.length; end += step) {
    // Re-rendering the whole text costs the same whatever came before: only the frames near a checkpoint are run.
    if (contender.whole && !measured(end)) continue;
    const started = performance.now();
    await update(text.slice(0, end));
    void root.offsetHeight;
    const ms = performance.now() - started;
    if (measured(end)) samples.push({ end, ms });
    await pause();
  }
  const shown = root.textContent?.length ?? 0;
  return { samples, shown };
}

(window as unknown as { __markdownBench: typeof run }).__markdownBench = run;
