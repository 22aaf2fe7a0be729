// Bundle size: min+gzip of app entries importing our APIs, side by side with the peers (react/vue external).
//
//   pnpm --filter bench exec tsx bundle.bench.ts

import { measure, OUR_ENTRIES, PEER_ENTRIES, type Measured } from './lib/bundle';
import { measureWithRolldown, type RolldownMeasured } from './lib/bundle-rolldown';
import { fmt, markdownTable, writeResult } from './lib/stats';

const measured: Array<Measured & { rolldown: RolldownMeasured }> = [];
for (const entry of [...OUR_ENTRIES, ...PEER_ENTRIES]) measured.push({ ...(await measure(entry)), rolldown: await measureWithRolldown(entry) });

const rows = measured.map((m) => ({
  entry: m.name,
  'min bytes': fmt(m.minBytes),
  'min+gzip bytes': fmt(m.gzipBytes),
  'min+gzip KB': (m.gzipBytes / 1024).toFixed(2),
  'with lazy chunks KB': (m.withLazyGzipBytes / 1024).toFixed(2),
  'Rolldown (Vite 8) KB': (m.rolldown.gzipBytes / 1024).toFixed(2),
  budget: m.budget === undefined ? '' : `${(m.budget / 1024).toFixed(1)} KB${m.note ? ` (${m.note})` : ''}`,
  'within budget': m.budget === undefined ? '' : (m.lazyBudget ? m.withLazyGzipBytes : m.gzipBytes) <= m.budget ? 'yes' : 'NO',
}));
console.table(rows);

const gz = (name: string) => measured.find((m) => m.name === name)?.gzipBytes ?? NaN;
writeResult('bundle', {
  title: 'Bundle size (esbuild and Rolldown, minified, ESM, browser, gzip -9; react/vue external)',
  markdown: [
    markdownTable(rows),
    '',
    'KB columns are esbuild unless named; "Rolldown (Vite 8)" is what loads at start when Vite 8\'s bundler builds the same entry.',
    'esbuild keeps the partial-JSON parser at start because the main entry re-exports `parsePartialJson` and the tool-call',
    'chunk uses it (evanw/esbuild#3704); Rolldown and Rollup leave it in the chunk loaded at the first tool call.',
    '"beyond core" bundles the binding with `@tokenstream/core` left external: what the binding adds to an app that already has core.',
    'The AI SDK row is `useChat` from `@ai-sdk/react` 2 (pulls in `ai` 5, its UI message stream parser and zod schemas).',
  ].join('\n'),
  figures: {
    coreCreateStreamOneAdapter: gz('core: createStream + one adapter (openai)'),
    coreCreateStreamAuto: measured.find((m) => m.name === 'core: createStream (auto: every protocol)')?.withLazyGzipBytes ?? NaN,
    coreCreateStreamOneAdapterRolldown: measured.find((m) => m.name === 'core: createStream + one adapter (openai)')?.rolldown.gzipBytes ?? NaN,
    coreCreateChat: gz('core: createChat'),
    reactUseChat: gz('react: useChat (app total)'),
    vueUseChat: gz('vue: useChat (app total)'),
    reactBeyondCore: gz('react: whole package beyond core'),
    vueBeyondCore: gz('vue: whole package beyond core'),
    aiSdkUseChat: gz('peer: @ai-sdk/react useChat'),
    fetchEventSource: gz('peer: @microsoft/fetch-event-source alone'),
  },
});
