import { splitMarkdownBlocks } from '@tokenstream/core';
import { StreamingMarkdown, type MarkdownRenderer } from '@tokenstream/react';
import { cleanup, render, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(cleanup);

const ANSWER = '# Plan\n\nFirst **step** here.\n\n```js\nconst a = 1;\n\nconst b = 2;\n```\n\n- one\n- two\n\nDone with `code`.\n';

describe('<StreamingMarkdown>', () => {
  it('renders each finished block once and re-renders only the tail', () => {
    const calls = new Map<string, number>();
    const renderBlock: MarkdownRenderer = vi.fn((markdown: string) => {
      calls.set(markdown, (calls.get(markdown) ?? 0) + 1);
      return <section>{markdown}</section>;
    });
    const view = render(<StreamingMarkdown text="" render={renderBlock} />);
    /** Render count of each block right after the update that finished it. */
    const atFinish = new Map<string, number>();
    for (let end = 1; end < ANSWER.length + 3; end += 3) {
      const text = ANSWER.slice(0, Math.min(end, ANSWER.length));
      view.rerender(<StreamingMarkdown text={text} render={renderBlock} />);
      for (const block of splitMarkdownBlocks(text).blocks) if (!atFinish.has(block)) atFinish.set(block, calls.get(block) ?? 0);
    }
    expect([...atFinish.keys()]).toEqual(['# Plan', 'First **step** here.', '```js\nconst a = 1;\n\nconst b = 2;\n```', '- one\n- two']);
    for (const [block, count] of atFinish) {
      expect(count, block).toBeGreaterThanOrEqual(1);
      expect(calls.get(block), `${block} rendered again after it finished`).toBe(count);
    }
    // A block that finished exactly as it was last shown in the tail is not rendered again at all.
    expect(calls.get('# Plan')).toBe(1);
    expect(vi.mocked(renderBlock).mock.calls.length).toBeGreaterThan(ANSWER.length / 6); // the tail, whenever it changed
    const sections = view.container.querySelectorAll('section');
    expect([...sections].map((s) => s.textContent)).toEqual([...atFinish.keys(), 'Done with `code`.']);
  });

  it('shows the healed tail: an open fence closed, a dangling ** hidden', () => {
    const seen: string[] = [];
    const renderBlock = (markdown: string) => {
      seen.push(markdown);
      return null;
    };
    render(<StreamingMarkdown text={'Intro\n\n```py\nprint(1)\n'} render={renderBlock} />);
    expect(seen).toContain('```py\nprint(1)\n```');
    cleanup();
    seen.length = 0;
    render(<StreamingMarkdown text={'A **bold'} render={renderBlock} />);
    expect(seen).toEqual(['A **bold**']);
  });

  it('starts over when the text is replaced rather than extended', () => {
    const renderBlock = (markdown: string) => <section>{markdown}</section>;
    const view = render(<StreamingMarkdown text={'One\n\nTwo\n\n'} render={renderBlock} />);
    view.rerender(<StreamingMarkdown text={'Other\n\nText'} render={renderBlock} />);
    expect([...view.container.querySelectorAll('section')].map((s) => s.textContent)).toEqual(['Other', 'Text']);
  });

  it('renders markdown with marked by default, never injecting raw HTML or javascript: links from the model', async () => {
    const hostile =
      '# Title\n\n<img src=x onerror="window.__pwned = 1">\n\n' +
      'Click [here](javascript:window.__pwned=1) or [there](https://example.com).\n\n' +
      '<script>window.__pwned = 1</script>\n\nInline <b onmouseover="x()">bold</b> **strong**';
    const view = render(<StreamingMarkdown text={hostile} />);
    await waitFor(() => expect(view.container.querySelector('h1')?.textContent).toBe('Title'));
    const html = view.container.innerHTML;
    expect(view.container.querySelector('img, script, b')).toBeNull();
    expect(view.container.querySelector('a[href^="javascript"]')).toBeNull();
    expect(view.container.querySelector('a[href="https://example.com"]')?.textContent).toBe('there');
    expect(view.container.querySelector('strong')?.textContent).toBe('strong');
    expect(html).toContain('&lt;img');
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
  });
});
