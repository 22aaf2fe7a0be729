// Small helpers shared by the benches: medians, number formatting, and the JSON result file the runner collects.

import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const RESULTS_DIR = join(BENCH_DIR, '.results');

export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface Timing {
  /** Median wall-clock ms. */
  wallMs: number;
  /**
   * Median CPU ms of this process (user + system, all threads). On a shared machine the wall clock also counts time
   * the OS gave to other processes; CPU time counts only the work done, so rates are computed from it.
   */
  cpuMs: number;
}

export async function medianTiming(runs: number, run: () => Promise<unknown> | unknown): Promise<Timing> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    gc();
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    await run();
    wall.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wallMs: median(wall), cpuMs: median(cpu) };
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
