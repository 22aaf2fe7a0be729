// Bad input from a client, an attacker or a fuzzer: every case is answered 4xx or closed, and the server answers
// normally afterwards (issue 13: one bad upgrade path used to crash it, one `length=100000000` froze it).
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SCENARIO_LIMITS } from '../src/index';
import { chatBody, rawRequest, useMockServer } from './helpers';

const ctx = useMockServer();

afterEach(async () => {
  const alive = await rawRequest(ctx.server.url, '/text', { body: { prompt: 'still here', mock: { length: 2 } } });
  expect(alive.status).toBe(200);
  expect(alive.complete).toBe(true);
});

function nested(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

function deepSchema(depth: number): object {
  let schema: object = { type: 'string' };
  for (let i = 0; i < depth; i++) schema = { type: 'object', properties: { inner: schema } };
  return schema;
}

/** A raw upgrade request; resolves with the first response line, or 'closed'. */
function rawUpgrade(path: string): Promise<string> {
  const { port } = new URL(ctx.server.url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    socket.on('data', (c: Buffer) => (received += c.toString('latin1')));
    socket.on('close', () => resolve(received.split('\r\n')[0] || 'closed'));
    socket.on('error', () => undefined);
    socket.write(
      `GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: Upgrade\r\nupgrade: websocket\r\n` +
        'sec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    setTimeout(() => socket.destroy(), 2000);
  });
}

/** Opens a ws, sends `payload`, resolves with the close code and any error status it got first. */
function wsGarbage(payload: string | Buffer, path = '/ws'): Promise<{ code: number; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${ctx.server.url.replace(/^http/, 'ws')}${path}`);
    let status: number | undefined;
    ws.on('open', () => ws.send(payload));
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { type: string; status?: number };
      if (m.type === 'error') status = m.status;
    });
    ws.on('close', (code) => resolve(status === undefined ? { code } : { code, status }));
    ws.on('error', () => undefined);
  });
}

describe('bad HTTP input', () => {
  it('malformed JSON → 400 in the route’s error shape', async () => {
    for (const path of ['/v1/chat/completions', '/v1/messages', '/ai-sdk/chat', '/ag-ui/run', '/json/chat', '/api/chat']) {
      const res = await rawRequest(ctx.server.url, path, { body: '{"messages": [', headers: { 'content-type': 'application/json' } });
      expect(res.status, path).toBe(400);
    }
  });

  it('bad %-encoding → 400 on every kind of path', async () => {
    for (const path of [
      '/v1/chat/completions%E0',
      '/streams/%E0%A4%A',
      '/ai-sdk/chat/%E0%A4%A/stream',
      '/v1beta/models/%E0%A4%A:streamGenerateContent?alt=sse',
      '/%FF%FE',
    ]) {
      const res = await rawRequest(ctx.server.url, path, { method: 'GET' });
      expect(res.status, path).toBe(400);
    }
  });

  it('numbers beyond the limits → 400 naming the limit, answered at once', async () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      ['length', { length: 100_000_000 }],
      ['length', { length: 1e308 }],
      ['reasoning', { reasoning: 10_000_000 }],
      ['stallMs', { stallMs: 1e12 }],
      ['firstTokenDelayMs', { firstTokenDelayMs: 1e10 }],
      ['tokensPerSecond', { tokensPerSecond: 1e-9 }],
      ['heartbeatMs', { heartbeatMs: 1 }],
      ['retryAfter', { status: 429, retryAfter: 1e9 }],
      ['slowDrip', { slowDrip: 1e9 }],
      ['status', { status: 200 }],
    ];
    for (const [field, mock] of cases) {
      const res = await rawRequest(ctx.server.url, '/v1/chat/completions', { body: chatBody('x', mock) });
      expect(res.status, field).toBe(400);
      expect(res.text, field).toContain(field);
    }
    const query = await rawRequest(ctx.server.url, '/v1/chat/completions?length=100000000', { body: chatBody('x') });
    expect(query.status).toBe(400);
    expect(query.text).toContain(`at most ${SCENARIO_LIMITS.length}`);
    const header = await rawRequest(ctx.server.url, '/text', { body: { prompt: 'x' }, headers: { 'x-mock': '{"length":"many"}' } });
    expect(header.status).toBe(400);
    expect((await rawRequest(ctx.server.url, '/text', { body: { prompt: 'x' }, headers: { 'x-mock': '{not json' } })).status).toBe(400);
  });

  it('deeply nested JSON → 400; a deep tool schema still gets an answer', async () => {
    const deep = await rawRequest(ctx.server.url, '/v1/chat/completions', { body: nested(100_000), headers: { 'content-type': 'application/json' } });
    expect(deep.status).toBe(400);
    const tools = [{ type: 'function', function: { name: 'deep', parameters: deepSchema(25) } }];
    const res = await rawRequest(ctx.server.url, '/v1/chat/completions', { body: chatBody('call the deep tool', {}, { tools }) });
    expect(res.status).toBe(200);
    expect(res.text).toContain('"name":"deep"');
  });

  it('a body over maxBodyBytes → 413; odd methods → 405', async () => {
    const big = await rawRequest(ctx.server.url, '/text', { body: 'x'.repeat(1024 * 1024 + 10) });
    expect(big.status).toBe(413);
    expect((await rawRequest(ctx.server.url, '/v1/chat/completions', { method: 'PUT', body: '{}' })).status).toBe(405);
    expect((await rawRequest(ctx.server.url, '/v1/chat/completions', { method: 'PROPFIND' })).status).toBeGreaterThanOrEqual(400);
  });
});

describe('bad WebSocket input', () => {
  it('an upgrade to a path with bad %-encoding → 400, the process stays up', async () => {
    expect(await rawUpgrade('/ws%E0%A4%A')).toBe('HTTP/1.1 400 Bad Request');
    expect(await rawUpgrade('/streams/%E0%A4%A')).toBe('HTTP/1.1 400 Bad Request');
  });

  it('garbage messages close the socket with an error', async () => {
    expect(await wsGarbage('not json')).toMatchObject({ status: 400 });
    expect(await wsGarbage(Buffer.from([0xff, 0x00, 0xfe, 0x01]))).toMatchObject({ status: 400 });
    expect(await wsGarbage('[]')).toMatchObject({ status: 400 });
    expect(await wsGarbage(JSON.stringify({ type: 'start', route: 42 }))).toMatchObject({ status: 400 });
    expect(await wsGarbage(JSON.stringify({ type: 'start', route: '/streams/%E0%A4%A' }))).toMatchObject({ status: 400 });
    expect(await wsGarbage(JSON.stringify({ type: 'start', route: '/v1/chat/completions', body: { mock: { length: 1e9 } } }))).toMatchObject({ status: 400 });
  });

  it('a message over maxPayload closes the socket (1009)', async () => {
    const { code } = await wsGarbage('x'.repeat(1024 * 1024 + 1));
    expect(code).toBe(1009);
  });
});
