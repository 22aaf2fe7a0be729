import { createSafeMarkdownRenderer, splitMarkdownBlocks, type MarkdownBlocks } from '@tokenstream/core';
import { memo, useEffect, useRef, useState, type ComponentPropsWithoutRef, type ReactNode } from 'react';

/** Turns one markdown block into elements. Pass a stable function (module level or useCallback): finished blocks re-render when it changes. */
export type MarkdownRenderer = (markdown: string) => ReactNode;

/** Other props (className, data-*, aria-*...) go to the wrapping div. */
export interface StreamingMarkdownProps extends Omit<ComponentPropsWithoutRef<'div'>, 'children'> {
  /** The markdown so far (e.g. `snapshot.text` or a chat message's text); it may grow on every render. */
  text: string;
  /** The app's renderer. Default: `marked` (an optional peer dependency, loaded on first use), sanitized. */
  render?: MarkdownRenderer;
}

/**
 * Splits growing markdown into finished blocks and the healed tail (`splitMarkdownBlocks`), reusing the previous
 * result while the text only grows, so each render costs O(new text).
 */
export function useMarkdownBlocks(text: string): MarkdownBlocks {
  // A pure cache of the last split (same input, same output), so writing it during render is safe under StrictMode.
  const last = useRef<{ text: string; result: MarkdownBlocks } | null>(null);
  const previous = last.current;
  if (previous?.text === text) return previous.result;
  const grows = previous !== null && text.startsWith(previous.text);
  const result = splitMarkdownBlocks(text, grows ? previous.result : undefined);
  last.current = { text, result };
  return result;
}

/**
 * Renders streamed markdown: each finished block once (memoized by its content), only the tail on every update, so
 * the cost of a frame does not grow with the answer. Raw HTML and unsafe links from the model are never injected by
 * the default renderer.
 */
export function StreamingMarkdown({ text, render, ...divProps }: StreamingMarkdownProps): ReactNode {
  const { blocks, tail } = useMarkdownBlocks(text);
  const renderBlock = useDefaultRenderer(render);
  return (
    <div {...divProps}>
      {/* One list keyed by index: a tail that finishes unchanged keeps its element and is not rendered again. */}
      {(tail === '' ? blocks : [...blocks, tail]).map((block, index) => (
        <MarkdownBlock key={index} markdown={block} render={renderBlock} />
      ))}
    </div>
  );
}

const MarkdownBlock = memo(function MarkdownBlock({ markdown, render }: { markdown: string; render: MarkdownRenderer }) {
  return <>{render(markdown)}</>;
});

let safeHtml: ((markdown: string) => string) | null = null;
let loading: Promise<void> | null = null;

/** Loads `marked` once, on first use; an app that passes its own renderer never imports it. */
function loadMarked(): Promise<void> {
  loading ??= import('marked').then((marked) => {
    safeHtml = createSafeMarkdownRenderer(marked);
  });
  return loading;
}

const renderSafeHtml: MarkdownRenderer = (markdown) => <div dangerouslySetInnerHTML={{ __html: safeHtml!(markdown) }} />;
/** Until marked has loaded (or when it is not installed): the text as it is, never as HTML. */
const renderPlainText: MarkdownRenderer = (markdown) => <div style={{ whiteSpace: 'pre-wrap' }}>{markdown}</div>;

function useDefaultRenderer(render: MarkdownRenderer | undefined): MarkdownRenderer {
  const [loaded, setLoaded] = useState(safeHtml !== null);
  useEffect(() => {
    if (render || loaded) return;
    let active = true;
    loadMarked().then(
      () => active && setLoaded(true),
      () => undefined, // marked is not installed: plain text stays
    );
    return () => {
      active = false;
    };
  }, [render, loaded]);
  if (render) return render;
  return loaded ? renderSafeHtml : renderPlainText;
}
