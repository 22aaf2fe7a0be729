#!/usr/bin/env node
// Serves the mock routes: `tokenstream-mock-server [--port 8787] [--host 127.0.0.1] [--tokens-per-second 30] [--first-token-delay-ms 0]`.
// The default pace (30 tokens/s) is slow enough to watch the typing; `--tokens-per-second 0` streams unthrottled.
// Imports the built package (dist/): run `pnpm build` first (the `start` script does).
import { parseArgs } from 'node:util';
import { ROUTES, createMockStreamServer } from '../dist/index.js';

const { values } = parseArgs({
  // `pnpm start -- --port 0` passes the `--` through: drop it.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    port: { type: 'string', short: 'p', default: '8787' },
    host: { type: 'string', default: '127.0.0.1' },
    'tokens-per-second': { type: 'string' },
    'first-token-delay-ms': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log('Usage: tokenstream-mock-server [--port 8787] [--host 127.0.0.1] [--tokens-per-second N (default 30, 0 = unthrottled)] [--first-token-delay-ms N]');
  process.exit(0);
}

function numberOption(name) {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name} must be a non-negative number, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return n;
}

const port = numberOption('port');
const options = {};
const DEFAULT_TOKENS_PER_SECOND = 30;
options.tokensPerSecond = numberOption('tokens-per-second') ?? DEFAULT_TOKENS_PER_SECOND;
const delay = numberOption('first-token-delay-ms');
if (delay !== undefined) options.firstTokenDelayMs = delay;

const server = await createMockStreamServer(options).listen(port, values.host);
console.log(`@tokenstream/mock-server listening on ${server.url} (${options.tokensPerSecond} tokens/s; per request: mock.tokensPerSecond)`);
for (const r of ROUTES) console.log(`  ${r.method.padEnd(6)} ${server.url}${r.path}  — ${r.format}`);
console.log(`  WebSocket: ${server.url.replace(/^http/, 'ws')}/ws`);
console.log('Scenario per request: body field "mock", header x-mock / x-mock-fault (JSON), or query parameters. See README.');

const shutdown = async () => {
  await server.close();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
