// Rendering in real Chromium (playwright-core driving /usr/bin/chromium): the same answer paced at 2,000 deltas/s by a
// local server, shown by one component per contender. Measures renders per second and main-thread time per second
// (CDP Performance.getMetrics TaskDuration), then the first-token overhead: from the server writing the first text
// delta to the DOM containing it.
//
//   pnpm --filter bench exec tsx render.bench.ts [--quick]

import { chromium, type Browser, type Page } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBenchServer } from './browser/bench-server';
import type { BenchPage } from './browser/page-harness';
import { joined, makeDeltas } from './lib/fixtures';
import { assert, fmt, loadNote, markdownTable, median, writeResult } from './lib/stats';

const quick = process.argv.includes('--quick');
const RATE = 2000;
const SECONDS = quick ? 2 : 4;
const N = RATE * SECONDS;
const RUNS = quick ? 1 : 2;
const FIRST_TOKEN_TRIALS = quick ? 3 : 9;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const RENDER_CONTENDERS: { framework: 'react' | 'vue'; id: string; label: string }[] = [
  { framework: 'react', id: 'floor-parse-only', label: 'floor: fetch + eventsource-parser, text shown once at the end' },
  { framework: 'react', id: 'tokenstream-useStream', label: 'React: tokenstream useStream' },
  { framework: 'react', id: 'tokenstream-useChat', label: 'React: tokenstream useChat' },
  { framework: 'react', id: 'naive-setState', label: 'React: naive setState per delta' },
  { framework: 'react', id: 'aisdk-useChat', label: 'React: AI SDK 5 useChat' },
  { framework: 'react', id: 'aisdk-useChat-throttle50', label: 'React: AI SDK 5 useChat, experimental_throttle 50' },
  { framework: 'vue', id: 'tokenstream-useStream', label: 'Vue: tokenstream useStream' },
  { framework: 'vue', id: 'tokenstream-useChat', label: 'Vue: tokenstream useChat' },
  { framework: 'vue', id: 'naive-ref', label: 'Vue: naive ref += delta' },
];

const FIRST_TOKEN_CONTENDERS = RENDER_CONTENDERS.filter((c) => c.id !== 'aisdk-useChat-throttle50' && c.id !== 'floor-parse-only');

interface Metrics {
  TaskDuration: number;
  ScriptDuration: number;
  LayoutDuration: number;
  RecalcStyleDuration: number;
}

async function openPage(browser: Browser, url: string): Promise<{ page: Page; metrics: () => Promise<Metrics>; close: () => Promise<void> }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.__bench !== undefined);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () => {
    const { metrics: list } = await cdp.send('Performance.getMetrics');
    return Object.fromEntries(list.map((m) => [m.name, m.value])) as unknown as Metrics;
  };
  return { page, metrics, close: () => context.close() };
}

async function runUntilShown(page: Page): Promise<BenchPage> {
  await page.evaluate(() => window.__bench.start());
  await page.waitForFunction(() => window.__bench.finishedAt !== null || window.__bench.error !== null, null, { timeout: 120_000, polling: 250 });
  const result = await page.evaluate(() => ({ ...window.__bench }));
  assert(result.error === null, `page error: ${result.error}`);
  return result;
}

const profile = mkdtempSync(join(tmpdir(), 'tokenstream-bench-chromium-'));
const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
const server = await startBenchServer();
const renderRows: Record<string, string>[] = [];
const firstRows: Record<string, string>[] = [];
const figures: Record<string, number> = {};
try {
  const expectedLength = joined(makeDeltas(N)).length;
  for (const c of RENDER_CONTENDERS) {
    const samples: { rendersPerS: number; taskMsPerS: number; scriptMsPerS: number; layoutMsPerS: number; seconds: number }[] = [];
    for (let run = 0; run < RUNS; run++) {
      const { page, metrics, close } = await openPage(browser, `${server.url}/${c.framework}.html?c=${c.id}&n=${N}&rate=${RATE}&len=${expectedLength}`);
      const before = await metrics();
      const result = await runUntilShown(page);
      const after = await metrics();
      await close();
      assert(result.finalLength === expectedLength, `${c.label}: showed ${result.finalLength} chars, expected ${expectedLength}`);
      const seconds = ((result.finishedAt ?? 0) - result.startedAt) / 1000;
      const perSecond = (key: keyof Metrics) => ((after[key] - before[key]) * 1000) / seconds;
      samples.push({
        rendersPerS: result.renders / seconds,
        taskMsPerS: perSecond('TaskDuration'),
        scriptMsPerS: perSecond('ScriptDuration'),
        layoutMsPerS: perSecond('LayoutDuration') + perSecond('RecalcStyleDuration'),
        seconds,
      });
    }
    const pick = (key: keyof (typeof samples)[number]) => median(samples.map((s) => s[key]));
    figures[`${c.framework}:${c.id}:renders`] = pick('rendersPerS');
    figures[`${c.framework}:${c.id}:mainMs`] = pick('taskMsPerS');
    renderRows.push({
      contender: c.label,
      'stream s': fmt(pick('seconds'), 2),
      'renders/s': fmt(pick('rendersPerS'), 1),
      'main thread ms/s': fmt(pick('taskMsPerS'), 0),
      'script ms/s': fmt(pick('scriptMsPerS'), 0),
      'style+layout ms/s': fmt(pick('layoutMsPerS'), 0),
    });
    process.stdout.write('.');
  }

  for (const c of FIRST_TOKEN_CONTENDERS) {
    const latencies: number[] = [];
    const n = 20;
    const len = joined(makeDeltas(n)).length;
    for (let trial = 0; trial < FIRST_TOKEN_TRIALS; trial++) {
      const { page, close } = await openPage(browser, `${server.url}/${c.framework}.html?c=${c.id}&n=${n}&rate=${RATE}&len=${len}&firstDelayMs=300`);
      const result = await runUntilShown(page);
      const wroteAt = server.lastFirstDeltaAt();
      await close();
      assert(wroteAt !== null && result.firstTextAt !== null, `${c.label}: no first-token timestamps`);
      latencies.push(result.firstTextAt - wroteAt);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    figures[`${c.framework}:${c.id}:firstTokenMs`] = median(latencies);
    firstRows.push({
      contender: c.label,
      trials: String(latencies.length),
      'median ms': fmt(median(latencies), 1),
      'min ms': fmt(sorted[0], 1),
      'max ms': fmt(sorted[sorted.length - 1], 1),
    });
    process.stdout.write('.');
  }
} finally {
  process.stdout.write('\n');
  await browser.close();
  await server.close();
  rmSync(profile, { recursive: true, force: true });
}

console.table(renderRows);
console.table(firstRows);

writeResult('render', {
  title: `Rendering in Chromium ${browser.version()} at ${fmt(RATE)} deltas/s`,
  markdown: [
    `${fmt(N)} deltas paced at ${fmt(RATE)}/s by a local server (each write carries the deltas due, every ~2 ms); one component shows`,
    'the whole text in a `<pre>`. Production builds (esbuild, NODE_ENV=production). Main-thread time is CDP `TaskDuration`',
    `(everything the renderer main thread did: network callbacks, parsing, framework, style, layout) per second of stream. Median of ${RUNS} run(s).`,
    '',
    markdownTable(renderRows),
    '',
    `First-token overhead: from the server writing the first text delta (300 ms after the headers) to the DOM containing it`,
    `(MutationObserver on the output; both clocks are the machine's epoch clock). Median of ${FIRST_TOKEN_TRIALS} page loads. ${loadNote()} at the end.`,
    '',
    markdownTable(firstRows),
  ].join('\n'),
  figures,
});
