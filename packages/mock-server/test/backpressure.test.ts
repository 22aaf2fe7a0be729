import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createMockHandler } from '../src/index';
import { chatBody, parseSse, rawRequest, useMockServer } from './helpers';

const ctx = useMockServer();

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('backpressure', () => {
  it('a paused reader stops generation: the server holds at most about one high-water mark for it', async () => {
    const length = 40_000; // ~11 MB of chunks: more than loopback socket buffers hold (~4 MB measured)
    const url = new URL('/v1/chat/completions', ctx.server.url);
    let received = 0;
    let response: IncomingMessage | null = null;
    const done = new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        response = res;
        res.pause();
        res.on('data', (c: Buffer) => {
          received += c.length;
          chunks.push(c);
        });
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      });
      req.end(JSON.stringify(chatBody('big', { length })));
    });
    await until(() => response !== null && ctx.server.stats().connections.length === 1, 'the stream to start');
    // Quiescent: nothing more goes out while the reader is paused.
    let last = -1;
    let stableFor = 0;
    await until(() => {
      const written = ctx.server.stats().connections[0].eventsWritten;
      stableFor = written === last ? stableFor + 1 : 0;
      last = written;
      return stableFor >= 10;
    }, 'writes to stop');
    const [conn] = ctx.server.stats().connections;
    expect(conn.eventsWritten).toBeLessThan(length);
    expect(conn.bufferedBytes).toBeLessThan(32 * 1024);
    expect(received).toBe(0);
    response!.resume();
    const text = await done;
    expect(text.split('\n\n')).toHaveLength(length + 3 + 1);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });
});

describe('client disconnect', () => {
  it('stops generating and never writes after the connection closed', async () => {
    const handler = createMockHandler();
    let writesAfterClose = 0;
    let closedResponses = 0;
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let closed = false;
      res.on('close', () => {
        closed = true;
        closedResponses++;
      });
      const write = res.write.bind(res) as (...args: unknown[]) => boolean;
      res.write = ((...args: unknown[]) => {
        if (closed) writesAfterClose++;
        return write(...args);
      }) as typeof res.write;
      handler(req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      let events = 0;
      await new Promise<void>((resolve) => {
        const req = request({ host: '127.0.0.1', port, path: '/v1/chat/completions', method: 'POST' }, (res) => {
          res.on('data', (c: Buffer) => {
            events += (c.toString().match(/\n\n/g) ?? []).length;
            if (events >= 3) {
              req.destroy();
              resolve();
            }
          });
        });
        req.on('error', () => undefined);
        req.end(JSON.stringify(chatBody('bye', { length: 1000, tokensPerSecond: 200 })));
      });
      await until(() => closedResponses === 1 && handler.stats().connections.length === 0, 'the server to see the close');
      const logBytes = handler.stats().logBytes;
      await new Promise((r) => setTimeout(r, 60)); // ~12 token intervals: a running generator would grow the log
      expect(handler.stats().logBytes).toBe(logBytes);
      expect(writesAfterClose).toBe(0);
    } finally {
      handler.close();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('stats', () => {
  it('reports streams and resume-log bytes', async () => {
    const before = ctx.server.stats().streams;
    await rawRequest(ctx.server.url, '/text', { body: { prompt: 'count me' } });
    expect(ctx.server.stats().streams).toBe(before + 1);
    expect(ctx.server.stats().logBytes).toBeGreaterThan(0);
  });
});
