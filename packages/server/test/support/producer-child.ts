/**
 * A relay instance in its own process, so a test can kill it (SIGKILL) mid-stream: it starts one stream on Redis
 * whose upstream sends two tokens and then waits forever, prints the first event's id, and keeps running.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRelay, redisStore } from '../../src/index.ts';

const upstream = createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const content of ['Hello', ' there']) {
    res.write(`data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content } }] })}\n\n`);
  }
});
await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

const relay = createRelay({
  store: redisStore({ url: process.env.REDIS_URL!, keyPrefix: process.env.KEY_PREFIX }),
  heartbeatMs: Number(process.env.HEARTBEAT_MS),
});
const response = await relay.handle(new Request('http://relay.test/api/chat', { method: 'POST', body: '{}' }),
  { upstream: (signal) => fetch(url, { method: 'POST', body: '{}', signal }), streamId: 'chat-1', owner: 'alice' });
const reader = response.body!.getReader();
let text = '';
while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
process.stdout.write(`${/id: (\S+)/.exec(text)![1]}\n`);
// Keep reading (the first client), as a browser would.
for (;;) if ((await reader.read()).done) break;
