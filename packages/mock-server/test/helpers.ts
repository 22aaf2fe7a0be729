import { connect } from 'node:net';
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

/**
 * A request over a raw TCP socket that keeps every byte received, also when the server drops the connection.
 * (node:http's client can lose the last bytes of a dropped response: its body stream starts flowing a tick after
 * the listener is added, and a close in the same read destroys what was buffered.)
 */
export function rawRequest(
  baseUrl: string,
  path: string,
  options: { method?: string; body?: unknown; headers?: Record<string, string>; onData?: (chunk: Buffer) => void } = {},
): Promise<RawResponse> {
  const url = new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const payload = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const payloadBytes = payload === undefined ? undefined : Buffer.from(payload, 'utf8');
  const headers: Record<string, string> = {
    host: url.host,
    connection: 'close',
    ...(payloadBytes ? { 'content-type': 'application/json', 'content-length': String(payloadBytes.length) } : {}),
    ...options.headers,
  };
  const head =
    `${options.method ?? (payload === undefined ? 'GET' : 'POST')} ${url.pathname}${url.search} HTTP/1.1\r\n` +
    Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('') +
    '\r\n';
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const parser = new ResponseParser(options.onData);
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      if (!parser.headersDone) return reject(new Error('the connection closed before the response headers'));
      resolve(parser.result());
    };
    socket.on('data', (chunk: Buffer) => parser.push(chunk));
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', () => finish());
    socket.write(payloadBytes ? Buffer.concat([Buffer.from(head, 'latin1'), payloadBytes]) : Buffer.from(head, 'latin1'));
  });
}

/** HTTP/1.1 response parsing for tests: status, headers, and a body framed by chunks, a length, or the close. */
class ResponseParser {
  headersDone = false;
  private pending: Buffer = Buffer.alloc(0);
  private status = 0;
  private readonly headers: Record<string, string | string[] | undefined> = {};
  private readonly body: Buffer[] = [];
  private chunked = false;
  private remaining = -1; // content-length bytes still expected, -1 = until close
  private chunkLeft = 0; // bytes left in the current chunk (chunked), then its CRLF
  private complete = false;

  constructor(private readonly onData?: (chunk: Buffer) => void) {}

  push(data: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, data]) : data;
    if (!this.headersDone) {
      const end = this.pending.indexOf('\r\n\r\n');
      if (end === -1) return;
      this.readHead(this.pending.subarray(0, end).toString('latin1'));
      this.pending = this.pending.subarray(end + 4);
    }
    this.readBody();
  }

  result(): RawResponse {
    const body = Buffer.concat(this.body);
    const complete = this.complete || (!this.chunked && this.remaining === -1);
    return { status: this.status, headers: this.headers, body, text: body.toString('utf8'), complete };
  }

  private readHead(head: string): void {
    const [statusLine, ...lines] = head.split('\r\n');
    this.status = Number(statusLine!.split(' ')[1]);
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      const previous = this.headers[name];
      this.headers[name] = previous === undefined ? value : ([] as string[]).concat(previous, value);
    }
    this.headersDone = true;
    this.chunked = /chunked/i.test(String(this.headers['transfer-encoding'] ?? ''));
    if (!this.chunked && this.headers['content-length'] !== undefined) this.remaining = Number(this.headers['content-length']);
    if (this.remaining === 0) this.complete = true;
  }

  private emit(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.body.push(bytes);
    this.onData?.(bytes);
  }

  private readBody(): void {
    if (!this.chunked) {
      const take = this.remaining === -1 ? this.pending : this.pending.subarray(0, this.remaining);
      this.emit(take);
      if (this.remaining !== -1) {
        this.remaining -= take.length;
        if (this.remaining === 0) this.complete = true;
      }
      this.pending = Buffer.alloc(0);
      return;
    }
    while (!this.complete) {
      if (this.chunkLeft > 0) {
        const take = this.pending.subarray(0, Math.min(this.chunkLeft, this.pending.length));
        this.emit(take);
        this.chunkLeft -= take.length;
        this.pending = this.pending.subarray(take.length);
        if (this.chunkLeft > 0) return;
        this.chunkLeft = -2; // the CRLF after the chunk data
      }
      if (this.chunkLeft === -2) {
        if (this.pending.length < 2) return;
        this.pending = this.pending.subarray(2);
        this.chunkLeft = 0;
      }
      const lineEnd = this.pending.indexOf('\r\n');
      if (lineEnd === -1) return;
      const size = parseInt(this.pending.subarray(0, lineEnd).toString('latin1'), 16);
      this.pending = this.pending.subarray(lineEnd + 2);
      if (size === 0) {
        this.complete = true;
        return;
      }
      this.chunkLeft = size;
    }
  }
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
