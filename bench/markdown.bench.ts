// Streaming markdown in real Chromium (playwright-core driving /usr/bin/chromium): main-thread milliseconds per frame
// while a 50,000-character markdown answer streams at 2,000 characters/s (one update per 60 Hz frame, 33 characters),
// measured at 1k, 10k and 50k characters. The block renderer (StreamingMarkdown: finished blocks once, the tail per
// frame) against re-rendering the whole text every frame with the same library (marked) and with react-markdown.
//
//   pnpm --filter bench exec tsx markdown.bench.ts [--quick]

import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { WORKSPACE_ALIASES } from './lib/bundle';
import { assert, fmt, loadNote, markdownTable, median, writeResult } from './lib/stats';

const quick = process.argv.includes('--quick');
const RATE = 2000;
const STEP = Math.round(RATE / 60);
const LENGTH = 50_000;
const CHECKPOINTS = [1_000, 10_000, 50_000];
const WINDOW = quick ? 10 : 20;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const CONTENDERS = [
  { id: 'react-blocks', label: 'React: StreamingMarkdown (blocks, marked)' },
  { id: 'react-marked-whole', label: 'React: marked on the whole text per frame' },
  { id: 'react-markdown-whole', label: 'React: react-markdown on the whole text per frame' },
  { id: 'vue-blocks', label: 'Vue: StreamingMarkdown (blocks, marked)' },
  { id: 'vue-marked-whole', label: 'Vue: marked on the whole text per frame (v-html)' },
  { id: 'dom-marked-whole', label: 'no framework: marked + innerHTML on the whole text per frame' },
];

/** Real markdown (the corpus of the core tests, whose sources are in its SOURCES.md), repeated to 50,000 characters. */
function answer(): string {
  const corpus = ['tokenstream-readme.md', 'marked-readme.md', 'pydantic-ai-stream-markdown.md', 'sharegpt-dir-command.md'].map((name) =>
    readFileSync(new URL(`../packages/core/test/markdown/corpus/${name}`, import.meta.url), 'utf8').trim(),
  );
  let text = '';
  while (text.length < LENGTH) text += `${corpus.join('\n\n')}\n\n`;
  return text.slice(0, LENGTH);
}

const bundled = await build({
  entryPoints: [fileURLToPath(new URL('./browser/markdown-app.tsx', import.meta.url))],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  jsx: 'automatic',
  alias: WORKSPACE_ALIASES,
  define: { 'process.env.NODE_ENV': '"production"', __VUE_OPTIONS_API__: 'true', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' },
  logLevel: 'silent',
});

const text = answer();
const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
const rows: Record<string, string>[] = [];
const figures: Record<string, number> = {};
try {
  for (const contender of CONTENDERS) {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ content: bundled.outputFiles[0]!.text, type: 'module' });
    await page.waitForFunction(() => '__markdownBench' in window);
    const { samples, shown } = await page.evaluate(
      ([id, markdown, step, checkpoints, window_]) =>
        (window as unknown as { __markdownBench: (...a: unknown[]) => Promise<{ samples: { end: number; ms: number }[]; shown: number }> }).__markdownBench(
          id,
          markdown,
          step,
          checkpoints,
          window_,
        ),
      [contender.id, text, STEP, CHECKPOINTS, WINDOW] as const,
    );
    await page.close();
    assert(shown > LENGTH * 0.5, `${contender.id} showed only ${shown} characters`);
    const row: Record<string, string> = { contender: contender.label };
    for (const checkpoint of CHECKPOINTS) {
      const near = samples.filter((s) => s.end > checkpoint - WINDOW * STEP && s.end <= checkpoint).map((s) => s.ms);
      const ms = median(near);
      row[`ms/frame at ${checkpoint / 1000}k`] = fmt(ms, 2);
      figures[`${contender.id}@${checkpoint}`] = Number(ms.toFixed(2));
    }
    rows.push(row);
    console.log(row);
  }
} finally {
  await browser.close();
}

const markdown = [
  `A ${LENGTH.toLocaleString('en-US')}-character markdown answer (the core markdown corpus repeated: tables, fences, lists, HTML) growing by ${STEP} characters per update (2,000 characters/s at 60 frames/s). Each figure is the median of the ${WINDOW} updates ending at that length, timed from the state change to a forced layout (script, style and layout; paint excluded). Frame budget: 16.7 ms.`,
  '',
  markdownTable(rows),
  '',
  `_${loadNote()}_`,
].join('\n');
writeResult('markdown', { title: 'Streaming markdown: main-thread ms per frame', markdown, figures });
console.log(markdown);
