import { readFileSync, readdirSync } from 'node:fs';
import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { splitMarkdownBlocks, scanWork, type MarkdownBlocks } from '../../src/markdown/blocks';
import { healWork } from '../../src/markdown/heal';

const corpusDir = new URL('./corpus/', import.meta.url);
/** Prefixes to check: every one for short texts, every 5th plus both sides of each newline for long ones. */
function prefixEnds(text: string): number[] {
  if (text.length <= 2000) return Array.from({ length: text.length + 1 }, (_, i) => i);
  const ends = new Set<number>([text.length]);
  for (let i = 0; i < text.length; i += 5) ends.add(i);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) [i, i + 1, i + 2].forEach((end) => ends.add(Math.min(end, text.length)));
  return [...ends].sort((a, b) => a - b);
}

const corpus = readdirSync(corpusDir)
  .filter((name) => name.endsWith('.md') && name !== 'SOURCES.md')
  .map((name) => ({ name, text: readFileSync(new URL(name, corpusDir), 'utf8') }));

/** Fence lines outside inline code toggle a fence open/closed; true when one is still open at the end. */
function hasOpenFence(markdown: string): boolean {
  let open: string | null = null;
  for (const line of markdown.split('\n')) {
    const match = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (!match) continue;
    const run = match[1]!;
    if (open === null) open = run;
    else if (run[0] === open[0] && run.length >= open.length && line.trim() === run) open = null;
  }
  return open !== null;
}

/** `**` runs outside fences and code spans: an odd count means one shows raw. */
function countStrongRuns(markdown: string): number {
  const prose = markdown.replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?^ {0,3}\1[ \t]*$/gm, '').replace(/(`+)[\s\S]*?\1/g, '');
  return (prose.match(/(?<![*\\])\*\*(?!\*)/g) ?? []).length;
}

/** Why `result` is not a valid split of `text` (blocks out of order, or something but whitespace between them), or null. */
function splitProblem(text: string, result: MarkdownBlocks): string | null {
  let at = 0;
  for (const block of result.blocks) {
    const found = text.indexOf(block, at);
    if (found < 0 || text.slice(at, found).trim() !== '') return `block ${JSON.stringify(block.slice(0, 40))} is not next`;
    at = found + block.length;
  }
  return null;
}

describe.each(corpus)('splitMarkdownBlocks on $name', ({ text }) => {
  const final = splitMarkdownBlocks(text);

  it('finishes blocks only when they can no longer change: every prefix agrees with the final text', () => {
    let previous: MarkdownBlocks | undefined;
    const problems: string[] = [];
    for (const end of prefixEnds(text)) {
      const prefix = text.slice(0, end);
      const incremental = splitMarkdownBlocks(prefix, previous);
      // From scratch is O(prefix): compared on a sample so the test stays O(text) overall.
      if (previous === undefined || end % 97 === 0 || end === text.length) {
        expect(incremental).toEqual(splitMarkdownBlocks(prefix));
      }
      // Only blocks finished by this call need checking: earlier ones are the same strings.
      const from = previous?.blocks.length ?? 0;
      for (let i = from; i < incremental.blocks.length; i += 1) {
        if (incremental.blocks[i] !== final.blocks[i]) problems.push(`at ${end}: block ${i} differs from the final one`);
      }
      for (let i = 0; i < from; i += 1) if (incremental.blocks[i] !== previous!.blocks[i]) problems.push(`at ${end}: block ${i} changed`);
      const problem = splitProblem(prefix, incremental);
      if (problem) problems.push(`at ${end}: ${problem}`);
      previous = incremental;
    }
    expect(problems.slice(0, 5)).toEqual([]);
  }, 60_000);

  it('heals the tail at every prefix: no open fence, no raw **', () => {
    let previous: MarkdownBlocks | undefined;
    const problems: string[] = [];
    for (let end = 0; end <= text.length; end += 1) {
      previous = splitMarkdownBlocks(text.slice(0, end), previous);
      if (hasOpenFence(previous.tail)) problems.push(`open fence at ${end}: ${previous.tail.slice(-60)}`);
      if (countStrongRuns(previous.tail) % 2 !== 0) problems.push(`raw ** at ${end}: ${previous.tail.slice(-60)}`);
    }
    expect(problems.slice(0, 5)).toEqual([]);
  }, 60_000);

  it('renders the same HTML block by block as the whole text does', () => {
    const whole = marked.parse(text, { async: false });
    const pieces = [...final.blocks, final.tail].map((block) => marked.parse(block, { async: false })).join('');
    const normalize = (html: string) => html.replace(/\s+/g, ' ').replace(/> </g, '><').trim();
    expect(normalize(pieces)).toBe(normalize(whole));
  });
});

describe('splitMarkdownBlocks', () => {
  it('keeps a fenced code block with blank lines whole, and closes it in the tail while open', () => {
    const open = splitMarkdownBlocks('Intro\n\n```ts\nconst a = 1;\n\nconst b = 2;\n');
    expect(open.blocks).toEqual(['Intro']);
    expect(open.tail).toBe('```ts\nconst a = 1;\n\nconst b = 2;\n```');
    const closed = splitMarkdownBlocks('Intro\n\n```ts\nconst a = 1;\n\nconst b = 2;\n```\n');
    expect(closed.blocks).toEqual(['Intro', '```ts\nconst a = 1;\n\nconst b = 2;\n```']);
    expect(closed.tail).toBe('');
  });

  it('keeps a loose list open across blank lines until a line that cannot continue it', () => {
    const loose = '- one\n\n- two\n\n  more of two\n    - nested\n\n';
    expect(splitMarkdownBlocks(loose).blocks).toEqual([]);
    expect(splitMarkdownBlocks(`${loose}After`).blocks).toEqual([]);
    expect(splitMarkdownBlocks(`${loose}After\n`).blocks).toEqual(['- one\n\n- two\n\n  more of two\n    - nested']);
  });

  it('does not finish a paragraph that a setext underline could still turn into a heading', () => {
    expect(splitMarkdownBlocks('Title\n').blocks).toEqual([]);
    expect(splitMarkdownBlocks('Title\n===\n\nText').blocks).toEqual(['Title\n===']);
  });

  it('finishes a paragraph when a fence or ATX heading interrupts it', () => {
    expect(splitMarkdownBlocks('Here is code:\n```js\nx\n```\n').blocks).toEqual(['Here is code:', '```js\nx\n```']);
    expect(splitMarkdownBlocks('Text\n## Next\n').blocks).toEqual(['Text', '## Next']);
  });

  it('keeps an HTML comment or <pre> with blank lines in one block', () => {
    expect(splitMarkdownBlocks('<!-- a\n\nb -->\n\nText').blocks).toEqual(['<!-- a\n\nb -->']);
    expect(splitMarkdownBlocks('<pre>\n\nx\n</pre>\n').blocks).toEqual(['<pre>\n\nx\n</pre>']);
    expect(splitMarkdownBlocks('Text\n<pre>\n\nx\n</pre>\n').blocks).toEqual(['Text', '<pre>\n\nx\n</pre>']);
  });

  it('keeps a fence inside a list item in the list, and follows CommonMark when its code is not indented', () => {
    const nested = '1. Step:\n   ```bash\n   npm i\n\n   npm t\n   ```\n2. Next\n\nAfter\n';
    expect(splitMarkdownBlocks(nested)).toEqual({ blocks: ['1. Step:\n   ```bash\n   npm i\n\n   npm t\n   ```\n2. Next'], tail: 'After' });
    expect(splitMarkdownBlocks('- a\n  ```js\n  let x;\n').tail).toBe('- a\n  ```js\n  let x;\n  ```');
    // Code lines at column 0 end the item; the indented closing fence then opens a fence that runs to the end.
    const misindented = '1. Step:\n   ```python\ndef f():\n    pass\n   ```\n\nText\n';
    expect(splitMarkdownBlocks(misindented).blocks).toEqual(['1. Step:\n   ```python', 'def f():\n    pass']);
  });

  it.each([
    '1. Step:\n   ```python\ndef f():\n    pass\n   ```\n\nText\n\nMore\n',
    'Para\n   ```\ncode\n\n   ```\n\nAfter\n',
    '- item\n\n      indented code in the item\n\n  continuation\n\nOut\n',
    '> quote\n> ```\n> a\n\nb\n',
    'Text\n<pre>\n\n**raw**\n</pre>\n\nAfter\n',
  ])('renders the same with marked block by block as whole: %j', (text) => {
    const result = splitMarkdownBlocks(text);
    const rest = text.slice(text.lastIndexOf(result.blocks.at(-1) ?? '') + (result.blocks.at(-1)?.length ?? 0));
    const html = (markdown: string) => (marked.parse(markdown, { async: false }) as string).replace(/\s+/g, ' ').replace(/> </g, '><').trim();
    expect([...result.blocks, rest].map(html).join('').replace(/> </g, '><')).toBe(html(text));
  });

  it.each([
    ['Some **bold', 'Some **bold**'],
    ['Some **bold **', 'Some **bold**'],
    ['Some **', 'Some'],
    ['a *b _c', 'a *b _c_*'],
    ['snake_case and 2*3', 'snake_case and 2*3'],
    ['call `fn(', 'call `fn(`'],
    ['call `', 'call'],
    ['see [the docs](https://exa', 'see the docs'],
    ['see [the do', 'see the do'],
    ['![alt](http://img', ''],
    ['~~gone', '~~gone~~'],
    ['``', ''],
    ['```py', '```py\n```'],
    ['- item **one', '- item **one**'],
  ])('heals the tail %j as %j', (text, tail) => {
    expect(splitMarkdownBlocks(text).tail).toBe(tail);
  });

  it('never changes the real text: blocks plus the raw tail are the input', () => {
    const text = 'A **b\n\n# H\n\n- x\n- y\n\nlast `c\n';
    const result = splitMarkdownBlocks(text);
    expect(result.blocks).toEqual(['A **b', '# H', '- x\n- y']);
    expect(text.startsWith(result.blocks.join('\n\n'))).toBe(true);
  });

  it('reuses the blocks array while no block finished', () => {
    const first = splitMarkdownBlocks('One\n\nTw');
    const second = splitMarkdownBlocks('One\n\nTwo', first);
    expect(second.blocks).toBe(first.blocks);
  });

  it('scans each character a bounded number of times when given the previous result', () => {
    const text = corpus.map((entry) => entry.text).join('\n\n').repeat(4);
    const scanBefore = scanWork.chars;
    const healBefore = healWork.chars;
    let previous: MarkdownBlocks | undefined;
    let calls = 0;
    for (let end = 0; end < text.length; end += 7) {
      previous = splitMarkdownBlocks(text.slice(0, end), previous);
      calls += 1;
    }
    previous = splitMarkdownBlocks(text, previous);
    // Line scanning: each character is searched once and classified once with its line.
    expect(scanWork.chars - scanBefore).toBeLessThanOrEqual(2 * text.length);
    // Healing looks only at the leaf being written (one paragraph or list item), never at the whole answer.
    const longestLeaf = Math.max(...text.split(/\n\s*\n|\n(?= {0,3}(?:[-*+]|\d+[.)]) )/).map((leaf) => leaf.length));
    expect(healWork.chars - healBefore).toBeLessThanOrEqual((calls + 1) * longestLeaf);
    expect(previous).toEqual(splitMarkdownBlocks(text));
  });

  it('costs O(new text) on a hostile single line with no newline', () => {
    const before = scanWork.chars;
    let previous: MarkdownBlocks | undefined;
    const line = 'x'.repeat(100_000);
    for (let end = 0; end <= line.length; end += 1000) previous = splitMarkdownBlocks(line.slice(0, end), previous);
    expect(scanWork.chars - before).toBeLessThanOrEqual(line.length);
  });
});
