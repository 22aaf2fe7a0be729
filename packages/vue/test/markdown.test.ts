import { splitMarkdownBlocks } from '@tokenstream/core';
import { StreamingMarkdown, type MarkdownRenderer } from '@tokenstream/vue';
import { flushPromises, mount } from '@vue/test-utils';
import { h } from 'vue';
import { describe, expect, it, vi } from 'vitest';

const ANSWER = '# Plan\n\nFirst **step** here.\n\n```js\nconst a = 1;\n\nconst b = 2;\n```\n\n- one\n- two\n\nDone with `code`.\n';

describe('StreamingMarkdown (Vue)', () => {
  it('renders each finished block once and re-renders only the tail', async () => {
    const calls = new Map<string, number>();
    const renderBlock: MarkdownRenderer = vi.fn((markdown: string) => {
      calls.set(markdown, (calls.get(markdown) ?? 0) + 1);
      return h('section', markdown);
    });
    const wrapper = mount(StreamingMarkdown, { props: { text: '', render: renderBlock } });
    const atFinish = new Map<string, number>();
    for (let end = 1; end < ANSWER.length + 3; end += 3) {
      const text = ANSWER.slice(0, Math.min(end, ANSWER.length));
      await wrapper.setProps({ text });
      for (const block of splitMarkdownBlocks(text).blocks) if (!atFinish.has(block)) atFinish.set(block, calls.get(block) ?? 0);
    }
    expect([...atFinish.keys()]).toEqual(['# Plan', 'First **step** here.', '```js\nconst a = 1;\n\nconst b = 2;\n```', '- one\n- two']);
    for (const [block, count] of atFinish) {
      expect(count, block).toBeGreaterThanOrEqual(1);
      expect(calls.get(block), `${block} rendered again after it finished`).toBe(count);
    }
    expect(calls.get('# Plan')).toBe(1);
    expect(vi.mocked(renderBlock).mock.calls.length).toBeGreaterThan(ANSWER.length / 6);
    expect(wrapper.findAll('section').map((s) => s.text())).toEqual([...atFinish.keys(), 'Done with `code`.'].map((t) => t.trim()));
  });

  it('shows the healed tail', () => {
    const seen: string[] = [];
    mount(StreamingMarkdown, { props: { text: 'Intro\n\n```py\nprint(1)\n', render: (markdown: string) => (seen.push(markdown), null) } });
    expect(seen).toEqual(['Intro', '```py\nprint(1)\n```']);
  });

  it('renders markdown with marked by default, never injecting raw HTML or javascript: links from the model', async () => {
    const hostile =
      '# Title\n\n<img src=x onerror="window.__pwned = 1">\n\n' +
      'Click [here](javascript:window.__pwned=1) or [there](https://example.com).\n\n' +
      '<script>window.__pwned = 1</script>\n\nInline <b onmouseover="x()">bold</b> **strong**';
    const wrapper = mount(StreamingMarkdown, { props: { text: hostile } });
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.find('h1').exists()).toBe(true);
    });
    expect(wrapper.find('h1').text()).toBe('Title');
    expect(wrapper.find('img').exists()).toBe(false);
    expect(wrapper.find('script').exists()).toBe(false);
    expect(wrapper.find('b').exists()).toBe(false);
    expect(wrapper.find('a[href^="javascript"]').exists()).toBe(false);
    expect(wrapper.find('a[href="https://example.com"]').text()).toBe('there');
    expect(wrapper.html()).toContain('&lt;img');
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
  });
});
