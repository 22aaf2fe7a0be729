// Small helpers shared by the benches: medians, number formatting, and the JSON result file the runner collects.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const RESULTS_DIR = join(BENCH_DIR, '.results');

/**
 * What a forced collection between timed runs clears. 'full': a major GC; V8 then also drops optimized code that
 * depended on the object shapes it collected, so the next run re-learns types and re-optimizes (on helper threads), as
 * a page's next answer would after an idle-time GC. 'minor': the young generation only; optimized code stays hot.
 */
export type GcKind = 'full' | 'minor';

export function gc(kind: GcKind = 'full'): void {
  (globalThis as { gc?: (options?: { type: 'major' | 'minor' }) => void }).gc?.(kind === 'minor' ? { type: 'minor' } : undefined);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface Sample {
  /** Wall-clock ms: also counts time the OS gave to other processes. */
  wallMs: number;
  /**
   * CPU ms of this process (user + system, all threads): only the work done, so rates are computed from it. It
   * includes V8's helper threads (concurrent compilation, parallel and concurrent GC), which are real work.
   */
  cpuMs: number;
  /** CPU ms of the main thread alone (Linux schedstat; NaN elsewhere): what would block a page's main thread. */
  mainMs: number;
}

const MAIN_THREAD_STAT = `/proc/self/task/${process.pid}/schedstat`;
/** Nanoseconds the main thread has run, from Linux schedstat; NaN where that file does not exist. */
function mainThreadNs(): number {
  try {
    return Number(readFileSync(MAIN_THREAD_STAT, 'utf8').split(' ')[0]);
  } catch {
    return Number.NaN;
  }
}

/** One timed run, after a forced gc() so the previous run's garbage is not collected on this run's clock. */
export async function timeRun<T>(run: () => Promise<T>, gcKind: GcKind = 'full'): Promise<{ sample: Sample; value: T }> {
  gc(gcKind);
  const cpuStart = process.cpuUsage();
  const mainStart = mainThreadNs();
  const start = performance.now();
  const value = await run();
  const wallMs = performance.now() - start;
  const mainMs = (mainThreadNs() - mainStart) / 1e6;
  const used = process.cpuUsage(cpuStart);
  return { sample: { wallMs, cpuMs: (used.user + used.system) / 1000, mainMs }, value };
}

/** The value at quantile q (0..1) of the values, interpolating between the two nearest ranks. */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}

/** "IQR q1–q3, min–max" of the values (or the values themselves when fewer than three). */
export function spreadOf(values: readonly number[], digits = 2, unit = ''): string {
  const f = (n: number) => `${fmt(n, digits)}${unit}`;
  if (values.length < 3) return values.map(f).join(', ');
  return `IQR ${f(quantile(values, 0.25))}–${f(quantile(values, 0.75))}, min–max ${f(Math.min(...values))}–${f(Math.max(...values))}`;
}

/** "median (IQR q1–q3, min–max)": the spread tells a reader how steady the figure was. */
export function fmtSpread(values: readonly number[], digits = 2, unit = ''): string {
  return `${fmt(median(values), digits)}${unit} (${spreadOf(values, digits, unit)})`;
}

/** The items starting at index `by` (mod length), wrapping around. */
function rotated<T>(items: readonly T[], by: number): T[] {
  const start = by % items.length;
  return [...items.slice(start), ...items.slice(0, start)];
}

export interface Task<T = unknown> {
  id: string;
  run(): Promise<T>;
  /** Called after the clock stops with what run() returned: throws when the answer is wrong. */
  check(value: T): void;
}

/**
 * Runs every task once per round, `warmup` untimed rounds first. Groups (one per stream size) and the tasks within a
 * group rotate by one each round, so no task always goes first and a burst of load from elsewhere falls on different
 * tasks in different rounds. Returns each task's samples by round: ratios taken within a round compare runs made
 * seconds apart, which is what keeps them steady on a shared machine.
 */
export async function interleave(
  groups: readonly (readonly Task[])[],
  options: { rounds: number; warmup: number; gc?: GcKind; onRound?: (round: number) => void },
): Promise<Map<string, Sample[]>> {
  const samples = new Map<string, Sample[]>();
  for (const group of groups) for (const task of group) samples.set(task.id, []);
  for (let round = 0; round < options.warmup + options.rounds; round++) {
    for (const group of rotated(groups, round)) {
      for (const task of rotated(group, round)) {
        const { sample, value } = await timeRun(() => task.run(), options.gc);
        task.check(value);
        if (round >= options.warmup) samples.get(task.id)?.push(sample);
      }
    }
    options.onRound?.(round);
  }
  return samples;
}

/** Load average over the last minute against the core count: above 1, other processes competed for the CPU. */
export function loadNote(): string {
  const [one] = os.loadavg();
  return `load average ${one.toFixed(1)} on ${os.cpus().length} cores`;
}

export const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a';

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KB`;

/** A markdown table from rows of equal keys. */
export function markdownTable(rows: readonly Record<string, string | number>[]): string {
  if (rows.length === 0) return '_no rows_';
  const keys = Object.keys(rows[0]);
  const line = (cells: readonly (string | number)[]) => `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(keys), line(keys.map(() => '---')), ...rows.map((row) => line(keys.map((k) => row[k] ?? '')))].join('\n');
}

export interface BenchResult {
  title: string;
  /** Markdown (tables, notes) for bench/results.md. */
  markdown: string;
  /** Headline figures for the README table, by key. */
  figures: Record<string, number | string>;
}

export function writeResult(name: string, result: BenchResult): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${name}.json`), JSON.stringify(result, null, 2));
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`bench check failed: ${message}`);
}
