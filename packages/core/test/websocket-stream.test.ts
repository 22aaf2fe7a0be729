import { createMockStreamServer, mockAnswer, type RunningMockServer } from '@tokenstream/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createStream } from '../src/stream';
import { waitForSnapshot } from '@tokenstream/test-utils';
import type { StreamOptions, WebSocketConstructorLike } from '../src/types';

// createStream({ transport: 'websocket' }) keeps the HTTP guarantees: exact text, resume after a drop, stop.

let server: RunningMockServer;
let wsBase: string;
beforeAll(async () => {
  server = await createMockStreamServer().listen(0);
  wsBase = server.url.replace(/^http/, 'ws');
});
afterAll(() => server.close());

const NodeWebSocket = WebSocket as unknown as WebSocketConstructorLike;
const chatBody = (content: string, mock: object = {}) => ({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content }], mock });

function open(path: string, body: object, options: Partial<StreamOptions> = {}) {
  return createStream({ url: wsBase + path, body, transport: 'websocket', WebSocket: NodeWebSocket, retry: { baseDelayMs: 5 }, throttle: 0, ...options });
}

describe('createStream over WebSocket', () => {
  it('streams the exact answer of each provider route', async () => {
    for (const path of ['/v1/chat/completions', '/v1/messages', '/v1/responses']) {
      const body = chatBody(`ws ${path}`);
      const snapshot = await open(path, body).start();
      expect(snapshot.status, path).toBe('done');
      expect(snapshot.text, path).toBe(mockAnswer(body).text);
    }
  });

  it('a dropped socket reconnects with the last event id and finishes exactly', async () => {
    const body = chatBody('ws drop', { dropAfterEvents: 9, faultAttempts: 1 });
    const snapshot = await open('/v1/chat/completions', body).start();
    expect(snapshot).toMatchObject({ status: 'done', text: mockAnswer(body).text, metrics: { reconnects: 1 } });
  });

  it('an HTTP-like fault is an http error with its status', async () => {
    const snapshot = await open('/v1/chat/completions', chatBody('ws 401', { status: 401 })).start();
    expect(snapshot.error).toMatchObject({ kind: 'http', status: 401 });
  });

  it('stop() closes the socket and keeps the partial text', async () => {
    const body = chatBody('ws stop', { length: 400, tokensPerSecond: 300 });
    const stream = open('/v1/chat/completions', body);
    const done = stream.start();
    await waitForSnapshot(stream, (s) => s.text.length > 10);
    stream.stop();
    const snapshot = await done;
    expect(snapshot.status).toBe('aborted');
    expect(mockAnswer(body).text.startsWith(snapshot.text)).toBe(true);
    expect(snapshot.text.length).toBeLessThan(mockAnswer(body).text.length);
  });

  it('without a WebSocket implementation it fails with a clear error', async () => {
    const snapshot = await createStream({ url: wsBase + '/ws', transport: 'websocket', WebSocket: undefined }).start();
    if (typeof globalThis.WebSocket === 'function') return; // Node 22+ has one
    expect(snapshot.error).toMatchObject({ kind: 'network', attempts: 1 });
    expect(snapshot.error!.message).toMatch(/WebSocket/);
  });
});
