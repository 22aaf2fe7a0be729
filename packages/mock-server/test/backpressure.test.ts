import { readFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
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

/**
 * Bytes the kernel may hold for a reader that never reads: the sender's socket buffer can grow to tcp_wmem's max,
 * the receiver's stays near tcp_rmem's default when the application does not read (no autotuning).
 */
function kernelBufferBound(): number {
  try {
    const wmem = readFileSync('/proc/sys/net/ipv4/tcp_wmem', 'utf8').trim().split(/\s+/).map(Number);
    const rmem = readFileSync('/proc/sys/net/ipv4/tcp_rmem', 'utf8').trim().split(/\s+/).map(Number);
    return wmem[2] + 2 * rmem[1];
  } catch {
    return 8 * 1024 * 1024;
  }
}

describe('backpressure', () => {
  it('a reader that stops reading stops generation: the server holds about one high-water mark for it', async () => {
    const eventBytes = 250; // a content chunk is ~270 bytes with its id line
    const length = Math.ceil((kernelBufferBound() + 1024 * 1024) / eventBytes);
    const { port } = new URL(ctx.server.url);
    const payload = JSON.stringify(chatBody('big', { length }));
    const socket = connect(Number(port), '127.0.0.1');
    socket.pause(); // Node reads at most one high-water mark, then the kernel buffers fill and stay small
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n` +
        `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`,
    );
    await until(() => ctx.server.stats().connections.length === 1, 'the stream to start');
    // Quiescent: nothing more goes out while the reader does not read.
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
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.resume();
    await new Promise((resolve) => socket.on('end', resolve));
    const raw = Buffer.concat(chunks).toString('utf8');
    expect(raw.match(/\ndata: /g)).toHaveLength(length + 3);
    expect(raw.endsWith('data: [DONE]\n\n\r\n0\r\n\r\n')).toBe(true);
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
