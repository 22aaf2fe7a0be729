import { request } from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import { createMockStreamServer, type MockServerOptions, type RunningMockServer } from '../src/index';

/** Starts a mock server on 127.0.0.1:0 for the file's tests. */
export function useMockServer(options: MockServerOptions = {}): { readonly server: RunningMockServer } {
  const holder = {} as { server: RunningMockServer };
  beforeAll(async () => {
    holder.server = await createMockStreamServer(options).listen();
  });
  afterAll(async () => {
    await holder.server?.close();
  });
  return holder;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  /** The body ended properly (false: the connection was dropped mid-body). */
  complete: boolean;
}

/** A request over node:http that keeps every byte received, also when the server drops the connection. */
export function rawRequest(
  baseUrl: string,
  path: string,
  options: { method?: string; body?: unknown; headers?: Record<string, string>; onData?: (chunk: Buffer) => void } = {},
): Promise<RawResponse> {
  const url = new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const payload = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? (payload === undefined ? 'GET' : 'POST'),
        headers: { ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let settled = false;
        const finish = () => {
          if (settled) return;
          settled = true;
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8'), complete: res.complete });
        };
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          options.onData?.(c);
        });
        res.on('end', finish);
        res.on('error', finish);
        res.on('aborted', finish);
        res.on('close', finish);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Absolute path on the server (the url may carry a basePath). */
export function route(server: RunningMockServer, path: string): string {
  return `${server.url}${path}`;
}

export interface ParsedEvent {
  id?: string;
  event?: string;
  data: string;
}

/** Splits our own SSE output (no multi-line data) into events; comments are skipped. */
export function parseSse(text: string, newline: '\n' | '\r\n' = '\n'): ParsedEvent[] {
  const blocks = text.split(newline + newline).filter((b) => b !== '');
  const events: ParsedEvent[] = [];
  for (const block of blocks) {
    const e: Partial<ParsedEvent> = {};
    for (const line of block.split(newline)) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(': ');
      const field = line.slice(0, colon);
      const value = line.slice(colon + 2);
      if (field === 'id') e.id = value;
      else if (field === 'event') e.event = value;
      else if (field === 'data') e.data = value;
    }
    if (e.data !== undefined) events.push(e as ParsedEvent);
  }
  return events;
}

export function json<T = Record<string, unknown>>(data: string): T {
  return JSON.parse(data) as T;
}

export function chatBody(prompt: string, mock: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return { model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }], stream: true, ...extra, mock };
}
