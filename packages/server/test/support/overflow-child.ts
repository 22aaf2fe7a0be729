/**
 * Run as its own process (tsx) so that its RSS measures the relay alone: one upstream sends an endless line
 * (generated lazily, up to 1 GiB), another a normal answer, both through one relay. Prints a JSON report.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRelay, toNodeHandler } from '../../src/index.ts';

const GIB = 1024 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'x');
let hugeBytesSent = 0;

const upstream = createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  if (req.url === '/huge') {
    res.write('data: ');
    const pump = () => {
      while (hugeBytesSent < GIB && !res.destroyed) {
        hugeBytesSent += CHUNK.length;
        if (!res.write(CHUNK)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
    return;
  }
  // A slow, normal OpenAI stream: 20 tokens over about 1 s.
  let i = 0;
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer);
    if (i === 20) {
      clearInterval(timer);
      res.end(`data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`);
      return;
    }
    res.write(`data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: `t${i} ` } }] })}\n\n`);
    i++;
  }, 50);
});

async function listen(server: ReturnType<typeof createServer>): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const upstreamUrl = await listen(upstream);
const relay = createRelay();
const relayServer = createServer(toNodeHandler(relay, {
  upstream: (signal, request) => fetch(`${upstreamUrl}${new URL(request.url).pathname}`, { method: 'POST', body: '{}', signal }),
}));
const relayUrl = await listen(relayServer);

const baseRss = process.memoryUsage().rss;
let maxRss = baseRss;
const sampler = setInterval(() => {
  maxRss = Math.max(maxRss, process.memoryUsage().rss);
}, 10);

const started = Date.now();
const [huge, normal] = await Promise.all([
  fetch(`${relayUrl}/huge`, { method: 'POST', body: '{}' }).then((r) => r.text()),
  fetch(`${relayUrl}/normal`, { method: 'POST', body: '{}' }).then((r) => r.text()),
]);
clearInterval(sampler);
maxRss = Math.max(maxRss, process.memoryUsage().rss);
const dataOf = (body: string) => body.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6));
const normalText = dataOf(normal).filter((d) => d !== '[DONE]')
  .map((d) => (JSON.parse(d) as { choices: { delta: { content?: string } }[] }).choices[0].delta.content ?? '').join('');
process.stdout.write(`${JSON.stringify({ hugeEvents: dataOf(huge), normalText, maxRssMiB: maxRss / 2 ** 20, baseRssMiB: baseRss / 2 ** 20,
  hugeMiBSent: hugeBytesSent / 2 ** 20, ms: Date.now() - started, stats: relay.stats() })}\n`);
await relay.close();
relayServer.closeAllConnections();
upstream.closeAllConnections();
relayServer.close();
upstream.close();
