// Partial JSON of a large streamed tool argument: our incremental parser against re-parsing the whole prefix per
// delta (our own parsePartialJson, and the AI SDK's, which is what it does for streamed tool input).
//
//   pnpm --filter bench exec tsx partial-json.bench.ts            (about 3 minutes: the quadratic baselines are slow)
//   pnpm --filter bench exec tsx partial-json.bench.ts --quick    (small sizes, seconds)
//
// Prints the median over several runs (after warm-up runs for the fast ones); "chars scanned" is the number of JSON
// characters each approach examined. runPartialJsonBench() is exported for a harness.

import { pathToFileURL } from 'node:url';
import { parsePartialJson as aiSdkParsePartialJson } from 'ai';
import { createIncrementalJsonParser } from '../packages/core/src/accumulate/partial-json';
import { parsePartialJson } from '../packages/core/src/accumulate/parse-partial-json';

const FRAGMENT = 20;
const KB = 1024;

/** A realistic large argument: a file body (long string with escapes and non-ASCII) plus an array of records. */
function makeArgument(bytes: number): string {
  const line = 'export const value = "naïve \\"quoted\\" text";\n\tif (a < b) { return `ok ☃`; }\n';
  const content = JSON.stringify(line.repeat(Math.ceil(bytes / 2 / line.length))).slice(1, -1);
  const items: string[] = [];
  let size = content.length;
  for (let i = 0; size < bytes - 40; i++) {
    const item = `{"id":${i},"name":"item ${i}","tags":["a","b\\u00e9"],"score":${(i * 0.37).toFixed(2)},"ok":${i % 2 === 0},"next":null}`;
    items.push(item);
    size += item.length + 1;
  }
  const doc = `{"path":"src/generated.ts","content":"${content}","items":[${items.join(',')}]}`;
  try {
    JSON.parse(doc); // the benchmark input must be valid
  } catch (error) {
    throw new Error(`generated argument is not valid JSON: ${(error as Error).message}`);
  }
  return doc;
}

function fragments(doc: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < doc.length; i += FRAGMENT) out.push(doc.slice(i, i + FRAGMENT));
  return out;
}

interface Result {
  ms: number;
  scanned: number;
}

/** Incremental: each fragment pushed once; the best-effort value is built every `readEvery` fragments. */
function incremental(parts: string[], readEvery: number): Result {
  const start = performance.now();
  const parser = createIncrementalJsonParser();
  let last: unknown;
  for (let i = 0; i < parts.length; i++) {
    parser.push(parts[i]);
    if ((i + 1) % readEvery === 0) last = parser.value();
  }
  last = parser.value();
  const ms = performance.now() - start;
  if (last === undefined) throw new Error('no value');
  return { ms, scanned: parser.scanned };
}

/** Naive: the whole prefix re-parsed after every fragment. */
function naive(parts: string[]): Result {
  const start = performance.now();
  let text = '';
  let scanned = 0;
  for (const part of parts) {
    text += part;
    parsePartialJson(text);
    scanned += text.length;
  }
  return { ms: performance.now() - start, scanned };
}

async function aiSdk(parts: string[]): Promise<Result> {
  const start = performance.now();
  let text = '';
  let scanned = 0;
  for (const part of parts) {
    text += part;
    await aiSdkParsePartialJson(text);
    scanned += text.length;
  }
  return { ms: performance.now() - start, scanned };
}

async function median(runs: number, warmups: number, run: () => Result | Promise<Result>): Promise<Result> {
  for (let i = 0; i < warmups; i++) await run(); // JIT warm-up, not counted
  const results: Result[] = [];
  for (let i = 0; i < runs; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    results.push(await run());
  }
  results.sort((a, b) => a.ms - b.ms);
  return results[Math.floor(results.length / 2)];
}

export interface PartialJsonBenchRow {
  approach: string;
  size: string;
  deltas: number;
  runs: number;
  'median ms': string;
  'chars scanned': string;
  'scanned / doc': string;
}

const ONCE = 'incremental, value() once at the end';
const PER_FRAME = 'incremental, value() every 16 deltas (~ per frame)';
const PER_DELTA = 'incremental, value() after every delta';
const NAIVE = 'naive: our parsePartialJson(whole) per delta';
const AI_SDK = 'AI SDK 5 parsePartialJson(whole) per delta';

/** Runs the comparison; `quick` uses small sizes (seconds instead of minutes). Returns the table and a summary. */
export async function runPartialJsonBench(options: { quick?: boolean } = {}): Promise<{ rows: PartialJsonBenchRow[]; summary: string[] }> {
  const quick = options.quick === true;
  const sizes = quick ? [25, 50, 100] : [100, 200, 400];
  const naiveSizes = quick ? [25, 50] : [100, 200];
  const rows: PartialJsonBenchRow[] = [];
  const medians = new Map<string, number>();

  async function measure(approach: string, kb: number, runs: number, warmups: number, run: (parts: string[]) => Result | Promise<Result>) {
    const doc = makeArgument(kb * KB);
    const parts = fragments(doc);
    const result = await median(runs, warmups, () => run(parts));
    medians.set(`${approach}@${kb}`, result.ms);
    rows.push({
      approach,
      size: `${kb} KB`,
      deltas: parts.length,
      runs,
      'median ms': result.ms.toFixed(1),
      'chars scanned': result.scanned.toLocaleString('en-US'),
      'scanned / doc': (result.scanned / doc.length).toFixed(1),
    });
  }

  const warm = fragments(makeArgument(100 * KB));
  for (let i = 0; i < 20; i++) incremental(warm, i % 2 === 0 ? 1 : 16); // JIT warm-up of the parser

  for (const kb of sizes) {
    await measure(ONCE, kb, 9, 3, (p) => incremental(p, Number.POSITIVE_INFINITY));
    await measure(PER_FRAME, kb, 9, 3, (p) => incremental(p, 16));
    await measure(PER_DELTA, kb, 9, 3, (p) => incremental(p, 1));
  }
  for (const kb of naiveSizes) {
    await measure(NAIVE, kb, 3, 0, naive);
    await measure(AI_SDK, kb, 3, 0, aiSdk);
  }

  const ratio = (a: string, b: string) => ((medians.get(a) ?? Number.NaN) / (medians.get(b) ?? Number.NaN)).toFixed(2);
  const at = naiveSizes[naiveSizes.length - 1];
  const summary = [
    `At ${at} KB in ${FRAGMENT}-char fragments, with a best-effort value after every delta:`,
    `  naive / incremental  = ${ratio(`${NAIVE}@${at}`, `${PER_DELTA}@${at}`)}x`,
    `  AI SDK / incremental = ${ratio(`${AI_SDK}@${at}`, `${PER_DELTA}@${at}`)}x`,
    `  naive / incremental (value() every 16 deltas) = ${ratio(`${NAIVE}@${at}`, `${PER_FRAME}@${at}`)}x`,
    'Growth of the median when the argument doubles (linear ~2x, quadratic ~4x):',
    ...[ONCE, PER_FRAME, PER_DELTA].map(
      (approach) => `  ${approach.padEnd(52)} ${sizes.slice(1).map((kb, i) => `${sizes[i]}->${kb} KB: ${ratio(`${approach}@${kb}`, `${approach}@${sizes[i]}`)}x`).join('   ')}`,
    ),
    ...[NAIVE, AI_SDK].map(
      (approach) => `  ${approach.padEnd(52)} ${naiveSizes.slice(1).map((kb, i) => `${naiveSizes[i]}->${kb} KB: ${ratio(`${approach}@${kb}`, `${approach}@${naiveSizes[i]}`)}x`).join('   ')}`,
    ),
  ];
  return { rows, summary };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { rows, summary } = await runPartialJsonBench({ quick: process.argv.includes('--quick') });
  console.table(rows);
  console.log(`\n${summary.join('\n')}`);
}
