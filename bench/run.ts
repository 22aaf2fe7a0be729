// `pnpm bench`: runs every bench in its own process (so one's heap and JIT state do not colour the next), prints their
// tables, and writes bench/results.md with the figures of this run and the machine they come from.
//
//   pnpm bench            every bench, under ~5 minutes (partial JSON at its quick sizes, AI SDK throughput up to 20k deltas)
//   pnpm bench --full     also the 200 KB partial-JSON case and AI SDK throughput at 40k/50k deltas (much longer)
//   pnpm bench --quick    smaller sizes, fewer runs (a smoke run)

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR, RESULTS_DIR, type BenchResult } from './lib/stats';

const quick = process.argv.includes('--quick');
const full = process.argv.includes('--full');
const extra = quick ? ['--quick'] : full ? ['--full'] : [];

interface Step {
  name: string;
  file: string;
}

const STEPS: Step[] = [
  { name: 'throughput', file: 'throughput.bench.ts' },
  { name: 'partial-json', file: 'partial-json.step.ts' },
  { name: 'early-tools', file: 'early-tools.step.ts' },
  { name: 'bundle', file: 'bundle.bench.ts' },
  { name: 'memory', file: 'memory.bench.ts' },
  { name: 'relay-load', file: 'relay-load.bench.ts' },
  { name: 'render', file: 'render.bench.ts' },
  { name: 'markdown', file: 'markdown.bench.ts' },
];

rmSync(RESULTS_DIR, { recursive: true, force: true });
const sections: string[] = [];
const failures: string[] = [];
const startedAt = Date.now();

for (const step of STEPS) {
  if (!existsSync(join(BENCH_DIR, step.file))) {
    sections.push(`## ${step.name}\n\n_not run: ${step.file} does not exist_`);
    continue;
  }
  console.log(`\n=== ${step.name} (${step.file}) ===`);
  const began = Date.now();
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', step.file, ...extra], {
    cwd: BENCH_DIR,
    stdio: 'inherit',
  });
  const seconds = ((Date.now() - began) / 1000).toFixed(0);
  if (child.status !== 0) {
    failures.push(step.name);
    sections.push(`## ${step.name}\n\n_failed (exit ${child.status ?? child.signal}); see the console output_`);
    continue;
  }
  const file = join(RESULTS_DIR, `${step.name}.json`);
  const result = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
  sections.push(`## ${result.title} (${seconds} s)\n\n${result.markdown}`);
}

const cpu = os.cpus()[0]?.model ?? readCpuModel();
function readCpuModel(): string {
  try {
    return /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const header = [
  '# tokenstream benchmark results',
  '',
  `Figures of the last \`pnpm bench${quick ? ' --quick' : full ? ' --full' : ''}\` run (written by bench/run.ts; do not edit by hand).`,
  '',
  `- Date: ${new Date(startedAt).toISOString()} (took ${((Date.now() - startedAt) / 1000).toFixed(0)} s)`,
  `- Machine: ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB RAM, ${os.type()} ${os.release()}`,
  `- Node ${process.version}; load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}`,
  '- The machine is shared with other work: CPU-time rates (throughput) are steadier than wall-clock figures (rendering).',
  '',
].join('\n');

writeFileSync(join(BENCH_DIR, 'results.md'), `${header}\n${sections.join('\n\n')}\n`);
console.log(`\nwrote bench/results.md${failures.length ? `; failed: ${failures.join(', ')}` : ''}`);
if (failures.length) process.exit(1);
