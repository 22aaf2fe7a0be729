// `pnpm size`: bundles the app entries of lib/bundle.ts and fails (exit 1) when one is over its min+gzip budget.

import { measure, OUR_ENTRIES } from './lib/bundle';

let over = 0;
const rows = [];
for (const entry of OUR_ENTRIES) {
  const m = await measure(entry);
  const checked = m.lazyBudget ? m.withLazyGzipBytes : m.gzipBytes;
  const status = m.budget === undefined ? '' : checked <= m.budget ? 'ok' : 'OVER BUDGET';
  if (status === 'OVER BUDGET') over++;
  rows.push({
    entry: m.name,
    'min bytes': m.minBytes,
    'gzip bytes': m.gzipBytes,
    'gzip with lazy chunks': m.withLazyGzipBytes,
    budget: m.budget === undefined ? '' : `${m.budget} (${m.note ?? ''})`,
    status,
  });
}
console.table(rows);
if (over > 0) {
  console.error(`size: ${over} bundle(s) over budget`);
  process.exit(1);
}
console.log('size: every bundle within budget');
