import { createSafeMarkdownRenderer, splitMarkdownBlocks, type MarkdownBlocks } from '@tokenstream/core';
import { computed, defineComponent, h, onMounted, ref, type PropType, type VNodeChild } from 'vue';

/** Turns one markdown block into vnodes. Pass a stable function: finished blocks re-render when it changes. */
export type MarkdownRenderer = (markdown: string) => VNodeChild;

let safeHtml: ((markdown: string) => string) | null = null;
let loading: Promise<void> | null = null;
/** Whether marked has loaded, shared by every component (one re-render of each when it arrives). */
const markedLoaded = ref(false);

/** Loads `marked` once, on first use; an app that passes its own renderer never imports it. */
function loadMarked(): Promise<void> {
  loading ??= import('marked').then((marked) => {
    safeHtml = createSafeMarkdownRenderer(marked);
    markedLoaded.value = true;
  });
  return loading;
}

const renderSafeHtml: MarkdownRenderer = (markdown) => h('div', { innerHTML: safeHtml!(markdown) });
/** Until marked has loaded (or when it is not installed): the text as it is, never as HTML. */
const renderPlainText: MarkdownRenderer = (markdown) => h('div', { style: { whiteSpace: 'pre-wrap' } }, markdown);

/** One block: a component so Vue skips it while its props (content, renderer) are unchanged. */
const MarkdownBlock = defineComponent({
  name: 'MarkdownBlock',
  props: {
    markdown: { type: String, required: true },
    render: { type: Function as PropType<MarkdownRenderer>, required: true },
  },
  setup(props) {
    return () => props.render(props.markdown);
  },
});

/**
 * Renders streamed markdown: each finished block once (a child component per block, keyed by index), only the tail
 * on every update, so the cost of an update does not grow with the answer. The default renderer (marked, an optional
 * peer dependency loaded on first use) never injects raw HTML or unsafe links from the model.
 */
export const StreamingMarkdown = defineComponent({
  name: 'StreamingMarkdown',
  props: {
    /** The markdown so far (e.g. a chat message's text); it may grow on every update. */
    text: { type: String, required: true },
    /** The app's renderer. Default: marked, sanitized. */
    render: { type: Function as PropType<MarkdownRenderer>, default: undefined },
  },
  setup(props) {
    const split = useMarkdownBlocks(() => props.text);
    const chosen = computed<MarkdownRenderer>(() => props.render ?? (markedLoaded.value ? renderSafeHtml : renderPlainText));
    onMounted(() => {
      if (!props.render) loadMarked().catch(() => undefined); // marked is not installed: plain text stays
    });
    return () => {
      const { blocks, tail } = split.value;
      const items = tail === '' ? blocks : [...blocks, tail];
      // One list keyed by index: a tail that finishes unchanged keeps its component and is not rendered again.
      return h(
        'div',
        items.map((markdown, index) => h(MarkdownBlock, { key: index, markdown, render: chosen.value })),
      );
    };
  },
});

/** The split of growing markdown text, reusing the previous result while the text only grows (O(new text)). */
export function useMarkdownBlocks(text: () => string): { readonly value: MarkdownBlocks } {
  let last: { text: string; result: MarkdownBlocks } | null = null;
  return computed(() => {
    const current = text();
    const grows = last !== null && current.startsWith(last.text);
    const result = splitMarkdownBlocks(current, grows ? last!.result : undefined);
    last = { text: current, result };
    return result;
  });
}
