// The local server of the browser benches: the contender pages (bundled with esbuild on start), and the same answer as
// OpenAI Chat SSE or AI SDK 5 UI message stream, paced at a given deltas/s. It records when it wrote the first text
// delta, for the first-token measurement. (A bench server rather than the mock server: the write time is the point.)

import { build } from 'esbuild';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WORKSPACE_ALIASES } from '../lib/bundle';
import { makeDeltas } from '../lib/fixtures';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [here(entry)],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    jsx: 'automatic',
    alias: WORKSPACE_ALIASES,
    define: {
      'process.env.NODE_ENV': '"production"',
      __VUE_OPTIONS_API__: 'true',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

const OPENAI_HEAD = '{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench","choices":[{"index":0,"delta":';

const WIRES = {
  openai: {
    headers: {},
    opening: [`data: ${OPENAI_HEAD}{"role":"assistant","content":""},"finish_reason":null}]}\n\n`],
    delta: (text: string) => `data: ${OPENAI_HEAD}{"content":${JSON.stringify(text)}},"finish_reason":null}]}\n\n`,
    closing: [`data: ${OPENAI_HEAD}{},"finish_reason":"stop"}]}\n\n`, 'data: [DONE]\n\n'],
  },
  ui: {
    headers: { 'x-vercel-ai-ui-message-stream': 'v1' },
    opening: ['data: {"type":"start","messageId":"msg-bench"}\n\n', 'data: {"type":"start-step"}\n\n', 'data: {"type":"text-start","id":"0"}\n\n'],
    delta: (text: string) => `data: {"type":"text-delta","id":"0","delta":${JSON.stringify(text)}}\n\n`,
    closing: ['data: {"type":"text-end","id":"0"}\n\n', 'data: {"type":"finish-step"}\n\n', 'data: {"type":"finish"}\n\n', 'data: [DONE]\n\n'],
  },
} as const;

const epochNow = (): number => performance.timeOrigin + performance.now();

export interface BenchServer {
  url: string;
  /** Epoch ms at which the last stream wrote its first text delta. */
  lastFirstDeltaAt(): number | null;
  close(): Promise<void>;
}

/** Writes `n` deltas at `rate`/s: each tick sends every delta that is due, as one write. */
function pace(res: ServerResponse, wire: keyof typeof WIRES, deltas: string[], rate: number, firstDelayMs: number, onFirst: () => void) {
  const format = WIRES[wire];
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...format.headers });
  res.write(format.opening.join(''));
  let sent = 0;
  let startedAt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  res.on('close', () => clearTimeout(timer));
  const tick = () => {
    const due = Math.min(deltas.length, Math.max(sent + 1, Math.floor(((performance.now() - startedAt) * rate) / 1000)));
    const batch = deltas.slice(sent, due).map(format.delta).join('');
    if (sent === 0) onFirst();
    res.write(batch);
    sent = due;
    if (sent < deltas.length) timer = setTimeout(tick, 2);
    else res.end(format.closing.join(''));
  };
  timer = setTimeout(() => {
    startedAt = performance.now();
    tick();
  }, firstDelayMs);
}

export async function startBenchServer(): Promise<BenchServer> {
  const [reactJs, vueJs] = await Promise.all([bundle('./react-app.tsx'), bundle('./vue-app.ts')]);
  let firstDeltaAt: number | null = null;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const page = /^\/(react|vue)\.html$/.exec(url.pathname);
    if (page) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return void res.end(`<!doctype html><meta charset="utf-8"><div id="root"></div><script type="module" src="/${page[1]}.js"></script>`);
    }
    if (url.pathname === '/react.js' || url.pathname === '/vue.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      return void res.end(url.pathname === '/react.js' ? reactJs : vueJs);
    }
    const stream = /^\/stream\/(openai|ui)$/.exec(url.pathname);
    if (stream) {
      req.resume(); // the request body does not matter
      const n = Number(url.searchParams.get('n') ?? '100');
      const rate = Number(url.searchParams.get('rate') ?? '2000');
      const firstDelayMs = Number(url.searchParams.get('firstDelayMs') ?? '0');
      firstDeltaAt = null;
      return pace(res, stream[1] as keyof typeof WIRES, makeDeltas(n), rate, firstDelayMs, () => {
        firstDeltaAt = epochNow();
      });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    lastFirstDeltaAt: () => firstDeltaAt,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
