// Relay under load: 200 concurrent streams through @tokenstream/server (memory store, then Redis), 20% of the
// clients cut mid-stream and resumed with Last-Event-ID. The relay and its fake provider run in a child process, so
// its RSS and event-loop lag are the relay's alone; the clients run here and check every answer character by character.
//
//   pnpm --filter bench exec node --import tsx relay-load.bench.ts [--quick]

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createRelay, memoryStore, redisStore, toNodeHandler } from '../packages/server/src/index';
import { assert, fmt, markdownTable, writeResult } from './lib/stats';

const quick = process.argv.includes('--quick');
const STREAMS = quick ? 50 : 200;
const TOKENS = quick ? 60 : 150;
const TOKEN_MS = 10;
const CUT_EVERY = 5; // 20% of the clients
const token = (i: number) => `tok${i}é中😀 `;
const EXPECTED = Array.from({ length: TOKENS }, (_, i) => token(i)).join('');

// ---- the relay process ----

async function serve(store: 'memory' | 'redis', redisUrl: string): Promise<void> {
  let upstreamCalls = 0;
  let storeErrors = 0;
  const provider = createHttpServer((req, res) => {
    upstreamCalls++;
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let i = 0;
    const timer = setInterval(() => {
      if (res.destroyed) return clearInterval(timer);
      if (i === TOKENS) {
        clearInterval(timer);
        const stop = { object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] };
        return void res.end(`data: ${JSON.stringify(stop)}\n\ndata: [DONE]\n\n`);
      }
      res.write(`data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: token(i) } }] })}\n\n`);
      i++;
    }, TOKEN_MS);
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  const providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
  const relay = createRelay({
    store: store === 'redis' ? redisStore({ url: redisUrl, keyPrefix: `bench:${Date.now()}:` }) : memoryStore(),
    onError: (error) => {
      storeErrors++;
      if (process.env.RELAY_LOAD_DEBUG) console.error(String(error));
    },
  });
  const server = createHttpServer(toNodeHandler(relay, {
    upstream: (signal) => fetch(providerUrl, { method: 'POST', body: '{}', signal }),
  }));
  server.maxConnections = 10_000;
  // Warm: the store connected and the code paths compiled, as on a running instance.
  await (await relay.handle(new Request('http://relay.local/', { method: 'POST', body: '{}' }),
    { upstream: (signal) => fetch(providerUrl, { method: 'POST', body: '{}', signal }) })).text();
  upstreamCalls = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 1024, resolve));
  const lag = monitorEventLoopDelay({ resolution: 10 });
  const baseRss = process.memoryUsage().rss;
  const cpuStart = process.cpuUsage();
  let peakRss = baseRss;
  let peakBuffered = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    peakBuffered = Math.max(peakBuffered, relay.stats().bufferedBytes);
  }, 20);
  lag.enable();
  console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/chat` }));
  for await (const line of createInterface({ input: process.stdin })) {
    if (line !== 'report') continue;
    clearInterval(sampler);
    lag.disable();
    const cpu = process.cpuUsage(cpuStart);
    console.log(JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, upstreamCalls, storeErrors, baseRss, peakRss, peakBuffered, lagP50: lag.percentile(50) / 1e6,
      lagP99: lag.percentile(99) / 1e6, lagMax: lag.max / 1e6, stats: relay.stats() }));
    await relay.close();
    process.exit(0);
  }
}

// ---- the clients ----

interface Received {
  lastId: string;
  text: string;
  events: number;
}

/** Reads complete SSE events (as a client does: an event counts once its blank line arrived). */
async function readEvents(response: Response, received: Received, stopAfterEvents = Infinity,
  abort?: AbortController): Promise<void> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let boundary: number;
      while ((boundary = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const id = /^id: (.*)$/m.exec(block)?.[1];
        const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        if (!id || data === '') continue;
        received.lastId = id;
        received.events++;
        if (data !== '[DONE]') {
          const chunk = JSON.parse(data) as { choices?: { delta?: { content?: string } }[]; error?: unknown };
          assert(!chunk.error, `in-band error: ${data}`);
          received.text += chunk.choices?.[0]?.delta?.content ?? '';
        }
        if (received.events >= stopAfterEvents) {
          abort?.abort();
          return;
        }
      }
    }
  } catch (error) {
    if (!abort?.signal.aborted) throw error;
  }
}

async function client(url: string, index: number): Promise<{ exact: boolean; resumed: boolean; resumeStatus?: number }> {
  const received: Received = { lastId: '', text: '', events: 0 };
  const cut = index % CUT_EVERY === 0;
  const abort = new AbortController();
  const first = await fetch(url, { method: 'POST', body: '{}', signal: abort.signal });
  assert(first.status === 200, `status ${first.status}`);
  await readEvents(first, received, cut ? Math.floor(TOKENS / 3) + (index % 7) : Infinity, abort);
  if (cut) {
    const again = await fetch(url, { method: 'POST', body: '{}', headers: { 'last-event-id': received.lastId } });
    if (again.status !== 200) {
      await again.body?.cancel();
      return { exact: false, resumed: false, resumeStatus: again.status };
    }
    await readEvents(again, received);
  }
  return { exact: received.text === EXPECTED, resumed: cut };
}

function startChild(store: 'memory' | 'redis', redisUrl: string): { child: ChildProcess; next(): Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', store, redisUrl,
    ...(quick ? ['--quick'] : [])],
    { stdio: ['pipe', 'pipe', 'inherit'], cwd: fileURLToPath(new URL('.', import.meta.url)) });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return { child, next: async () => String((await lines.next()).value) };
}

async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startRedis(): Promise<{ url: string; stop(): void } | null> {
  if (spawnSync('redis-server', ['--version']).status !== 0) return null;
  const port = await freePort();
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve) => {
    redis.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) resolve();
    });
  });
  return { url: `redis://127.0.0.1:${port}`, stop: () => void redis.kill('SIGKILL') };
}

async function run(store: 'memory' | 'redis', redisUrl: string) {
  const { child, next } = startChild(store, redisUrl);
  const { url } = JSON.parse(await next()) as { url: string };
  const started = Date.now();
  const results = await Promise.all(Array.from({ length: STREAMS }, (_, i) => client(url, i)));
  const wallMs = Date.now() - started;
  child.stdin!.write('report\n');
  const report = JSON.parse(await next()) as { cpuMs: number; upstreamCalls: number; storeErrors: number; baseRss: number; peakRss: number;
    peakBuffered: number; lagP50: number; lagP99: number; lagMax: number };
  await new Promise((resolve) => child.once('exit', resolve));
  const exact = results.filter((r) => r.exact).length;
  const failedResumes = results.filter((r) => r.resumeStatus !== undefined);
  // A wrong answer is a bug; a resume refused after a store timeout (reported to onError) is a measured outcome.
  assert(exact + failedResumes.length === STREAMS, `${store}: ${STREAMS - exact - failedResumes.length} answers differ`);
  assert(report.upstreamCalls === STREAMS, `${store}: ${report.upstreamCalls} upstream calls for ${STREAMS} streams`);
  const MiB = 2 ** 20;
  return {
    store,
    streams: STREAMS,
    'cut and resumed': results.filter((r) => r.resumed).length,
    'resumes refused': failedResumes.length === 0 ? 0
      : `${failedResumes.length} (${[...new Set(failedResumes.map((r) => r.resumeStatus))].join(', ')})`,
    'store errors (onError)': report.storeErrors,
    'exact answers': `${exact}/${STREAMS}`,
    'upstream calls': report.upstreamCalls,
    'relay RSS idle → peak': `${(report.baseRss / MiB).toFixed(0)} → ${(report.peakRss / MiB).toFixed(0)} MiB`,
    'peak client buffers (sum)': `${(report.peakBuffered / 1024).toFixed(0)} KiB`,
    'event-loop lag p50 / p99 / max': `${fmt(report.lagP50, 1)} / ${fmt(report.lagP99, 1)} / ${fmt(report.lagMax, 1)} ms`,
    'relay CPU (user + system)': `${fmt(report.cpuMs)} ms`,
    wall: `${fmt(wallMs)} ms`,
  };
}

if (process.argv.includes('--serve')) {
  const at = process.argv.indexOf('--serve');
  await serve(process.argv[at + 1] as 'memory' | 'redis', process.argv[at + 2] ?? '');
} else {
  const rows: Record<string, string | number>[] = [await run('memory', '')];
  console.log(markdownTable(rows));
  const redis = await startRedis();
  try {
    if (redis) rows.push(await run('redis', redis.url));
  } finally {
    redis?.stop();
  }
  const markdown = `${markdownTable(rows)}\n\n${STREAMS} clients POST at once; each stream is ${TOKENS} OpenAI chunks `
    + `(${TOKEN_MS} ms apart, multi-byte text). Every ${CUT_EVERY}th client drops its connection a third of the way in `
    + 'and resumes with `Last-Event-ID`; every answer is compared with the expected text. RSS and event-loop lag '
    + '(`monitorEventLoopDelay`, 10 ms resolution) are those of the relay process (relay + fake provider), sampled every 20 ms.'
    + (redis ? '' : '\n\n_Redis: not run (no redis-server)._');
  console.log(markdown);
  writeResult('relay-load', { title: 'Relay under load', markdown, figures: {} });
}
