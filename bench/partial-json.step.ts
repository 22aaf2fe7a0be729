// Runs the partial-JSON bench (partial-json.bench.ts, a teammate's) for the runner and records its table.
// Default: its quick sizes (seconds); with --full its full sizes, including the 200 KB argument (minutes: the naive
// re-parse per delta is quadratic).

import { runPartialJsonBench } from './partial-json.bench';
import { markdownTable, writeResult } from './lib/stats';

const full = process.argv.includes('--full');
const { rows, summary } = await runPartialJsonBench({ quick: !full });
console.table(rows);
console.log(`\n${summary.join('\n')}`);

writeResult('partial-json', {
  title: `Tool-call partial JSON, 20-char fragments (${full ? 'full sizes' : 'quick sizes; `pnpm bench --full` for 200 KB'})`,
  markdown: [
    'Incremental parser (core accumulator) against re-parsing the whole prefix after every delta (ours, and the AI SDK 5',
    '`parsePartialJson`, which is what it does for streamed tool input). From bench/partial-json.bench.ts.',
    '',
    markdownTable(rows.map((row) => ({ ...row }))),
    '',
    '```',
    ...summary,
    '```',
  ].join('\n'),
  figures: {},
});
