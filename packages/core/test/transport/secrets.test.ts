import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { StreamError } from '../../src/errors';
import { createStream } from '../../src/stream';
import { collectSecrets, redactError } from '../../src/transport/secrets';

const BEARER = 'sk-proj-Abc123SecretTokenValue';
const API_KEY = 'az-key-9f8e7d6c5b4a';
const GOOG_KEY = 'AIzaSyD-secret-goog-key';
const URL_PASSWORD = 'hunter2-url-pass';
const SECRETS = [BEARER, API_KEY, GOOG_KEY, URL_PASSWORD];

describe('collectSecrets / redactError', () => {
  it('collects header values, bearer tokens, decoded Basic credentials, URL credentials and key-like query values', () => {
    const secrets = new Set<string>();
    const basic = btoa('alice:pa55word');
    collectSecrets('https://bob:s3cr3tpw@api.test/v1?key=goog-key-1&alt=sse', {
      authorization: `Basic ${basic}`,
      'x-api-key': 'xkey-123',
      accept: 'text/event-stream',
    }, secrets);
    expect([...secrets]).toEqual(expect.arrayContaining([basic, 'alice:pa55word', 'pa55word', 'xkey-123', 's3cr3tpw', 'goog-key-1']));
    expect(secrets.has('text/event-stream')).toBe(false);
    expect(secrets.has('sse')).toBe(false);
  });

  it('replaces secrets in the message, the body and the whole cause chain', () => {
    const inner = new Error(`header value "Bearer ${BEARER}" rejected`);
    const error = new StreamError('network', `failed: ${BEARER}`, { body: `{"echo":"${API_KEY}"}`, cause: new TypeError('fetch failed', { cause: inner }) });
    redactError(error, new Set([BEARER, API_KEY]));
    const text = `${error.message} ${error.body} ${(error.cause as Error).message}`;
    expect(text).not.toContain(BEARER);
    expect(text).not.toContain(API_KEY);
    expect(text).toContain('[redacted]');
  });
});

/** A server that echoes what it was sent: in 401 and 500 bodies, in an in-band error, and in a header. */
let server: Server;
let origin: string;
const echo = (req: IncomingMessage) => JSON.stringify({ headers: req.headers, url: req.url });

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/401') return res.writeHead(401, { 'content-type': 'application/json' }).end(echo(req));
    if (path === '/500') return res.writeHead(500, { 'content-type': 'text/plain', 'x-echo': String(req.headers['x-api-key']) }).end(echo(req));
    if (path === '/inband') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = { id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }] };
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      return res.end(`data: ${JSON.stringify({ error: { message: `Invalid key ${req.headers.authorization} for ${req.url}`, type: 'auth' } })}\n\n`);
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('no request secret reaches an error, a snapshot or the console', () => {
  const headers = { authorization: `Bearer ${BEARER}`, 'x-api-key': API_KEY, 'api-key': API_KEY, 'x-goog-api-key': GOOG_KEY };

  async function run(path: string, url = `${origin}${path}?key=${GOOG_KEY}`) {
    const logged: unknown[] = [];
    const spies = (['log', 'warn', 'error', 'info', 'debug'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args)));
    try {
      const errors: unknown[] = [];
      const snapshot = await createStream({
        url, body: { q: 1 }, headers, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 }, onError: (e) => errors.push(e),
      }).start();
      return { snapshot, everything: inspectAll([snapshot, errors, logged]) };
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  }

  it.each(['/401', '/500', '/inband'])('%s: the echoed values are redacted everywhere', async (path) => {
    const { snapshot, everything } = await run(path);
    expect(snapshot.status).toBe('error');
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
    if (path === '/inband') expect(snapshot).toMatchObject({ text: 'Hi', error: { kind: 'provider' } });
    if (path === '/401') expect(snapshot.error!.body).toContain('[redacted]');
  });

  it('URL credentials: the runtime refuses them, and neither they nor the headers appear in the error', async () => {
    const url = new URL(`${origin}/401`);
    url.username = 'alice';
    url.password = URL_PASSWORD;
    const { snapshot, everything } = await run('', url.href);
    expect(snapshot.status).toBe('error');
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
  });
});

/** Every string reachable from the values (own properties, causes, arrays), for a containment check. */
function inspectAll(value: unknown, seen = new Set<unknown>()): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null || seen.has(value)) return String(value);
  seen.add(value);
  const parts: string[] = [];
  if (value instanceof Error) parts.push(value.message, String(value.stack), inspectAll(value.cause, seen));
  for (const key of Object.getOwnPropertyNames(value)) {
    parts.push(inspectAll((value as Record<string, unknown>)[key], seen));
  }
  return parts.join('\n');
}
