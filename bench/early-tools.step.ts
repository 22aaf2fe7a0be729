// Runs the early-tool-start bench (early-tools.bench.ts, a teammate's) for the runner and records its table.

import { runEarlyToolsBench } from './early-tools.bench';
import { fmt, markdownTable, writeResult } from './lib/stats';

const rows = (await runEarlyToolsBench()).map((row) => ({
  scenario: row.scenario,
  'tools started after the turn': `${fmt(row.afterTurnMs)} ms`,
  'tools started early': `${fmt(row.earlyMs)} ms`,
  saved: `${fmt(row.afterTurnMs - row.earlyMs)} ms`,
}));
console.table(rows);

writeResult('early-tools', {
  title: 'Early tool start: time to the final answer (createChat, real timers)',
  markdown: [
    'A fake fetch streams provider SSE on a timetable: a 300 ms turn with two tool calls, then a 50 ms text answer; each tool',
    'takes 200 ms. Median of 7 runs per mode. From bench/early-tools.bench.ts.',
    '',
    markdownTable(rows),
  ].join('\n'),
  figures: {},
});
