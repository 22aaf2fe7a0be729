import type { ServerResponse } from 'node:http';
import type { Framing } from './formats';
import type { EventSink, OutgoingEvent } from './pump';
import { sleep } from './stream-store';

// Frames events as bytes on an HTTP response: SSE (LF, or CRLF for Gemini), NDJSON lines or raw text.
// Writes are serialized and wait for 'drain' when res.write() returns false, so a slow reader holds at most
// one event plus the socket's high-water mark per connection. dropAfterBytes and slowDrip act on the bytes.

export interface HttpSinkOptions {
  framing: Framing;
  dropAfterBytes?: number;
  slowDrip?: boolean | number;
  heartbeatMs: number;
}

export function encodeEvent(framing: Framing, e: OutgoingEvent): string {
  if (framing === 'text') return e.data;
  if (framing === 'ndjson') return `${e.data}\n`;
  const nl = framing === 'sse-crlf' ? '\r\n' : '\n';
  let out = '';
  if (e.id !== undefined) out += `id: ${e.id}${nl}`;
  if (e.event !== undefined) out += `event: ${e.event}${nl}`;
  return `${out}data: ${e.data}${nl}${nl}`;
}

export class HttpEventSink implements EventSink {
  bytesWritten = 0;
  private isClosed = false;
  private chain: Promise<unknown> = Promise.resolve();
  private lastWriteAt = Date.now();
  private pendingWrites = 0;
  /** Settles when the latest write was handed to the socket. */
  private lastFlushed: Promise<void> = Promise.resolve();
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private readonly closedController = new AbortController();

  constructor(
    private readonly res: ServerResponse,
    private readonly o: HttpSinkOptions,
  ) {
    res.on('close', () => this.markClosed());
    if (o.slowDrip) res.socket?.setNoDelay(true);
    const sse = o.framing === 'sse' || o.framing === 'sse-crlf';
    if (sse && o.heartbeatMs > 0) {
      const comment = o.framing === 'sse-crlf' ? ': ping\r\n\r\n' : ': ping\n\n';
      this.heartbeat = setInterval(() => {
        // Only on an idle connection: a reader held up by backpressure must not collect queued pings.
        if (this.pendingWrites === 0 && Date.now() - this.lastWriteAt >= o.heartbeatMs) void this.enqueue(Buffer.from(comment));
      }, Math.max(5, Math.floor(o.heartbeatMs / 2)));
    }
  }

  /** Aborts when the response closed (client gone, drop, or normal end). */
  get signal(): AbortSignal {
    return this.closedController.signal;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get bufferedBytes(): number {
    return this.res.writableLength;
  }

  /** An SSE `retry:` field before the first event (a retry-only block dispatches nothing). */
  sendRetry(ms: number): Promise<boolean> {
    const nl = this.o.framing === 'sse-crlf' ? '\r\n' : '\n';
    return this.enqueue(Buffer.from(`retry: ${ms}${nl}${nl}`));
  }

  send(e: OutgoingEvent): Promise<boolean> {
    return this.enqueue(Buffer.from(encodeEvent(this.o.framing, e), 'utf8'));
  }

  end(): void {
    void this.chain.then(() => {
      if (this.isClosed) return;
      this.res.end();
      this.markClosed();
    });
  }

  /** Destroys the socket once the bytes already written reached it, so a drop cuts exactly where it says. */
  drop(): void {
    if (this.isClosed) return;
    this.markClosed();
    void this.lastFlushed.then(() => this.res.destroy());
  }

  private markClosed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.closedController.abort(new Error('connection closed'));
  }

  private enqueue(bytes: Buffer): Promise<boolean> {
    this.pendingWrites++;
    const result = this.chain.then(() => this.writeBytes(bytes)).finally(() => this.pendingWrites--);
    this.chain = result.catch(() => false);
    return result;
  }

  private async writeBytes(bytes: Buffer): Promise<boolean> {
    if (this.isClosed) return false;
    const limit = this.o.dropAfterBytes;
    const cut = limit !== undefined && this.bytesWritten + bytes.length >= limit;
    const payload = cut ? bytes.subarray(0, Math.max(0, limit - this.bytesWritten)) : bytes;
    if (this.o.slowDrip) {
      const pause = typeof this.o.slowDrip === 'number' ? this.o.slowDrip : 0;
      for (let i = 0; i < payload.length && !this.isClosed; i++) {
        await this.writeChunk(payload.subarray(i, i + 1), true);
        if (pause > 0) await sleep(pause, this.signal).catch(() => undefined);
      }
    } else {
      await this.writeChunk(payload, cut);
    }
    this.lastWriteAt = Date.now();
    if (cut) {
      this.drop();
      return false;
    }
    return !this.isClosed;
  }

  /** Writes and waits for 'drain' on backpressure; with `flushed`, waits until the bytes reached the socket. */
  private writeChunk(chunk: Buffer, flushed: boolean): Promise<void> {
    if (this.isClosed || chunk.length === 0) return Promise.resolve();
    this.bytesWritten += chunk.length;
    let onFlushed!: () => void;
    this.lastFlushed = new Promise<void>((resolve) => (onFlushed = resolve));
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      const ok = this.res.write(chunk, () => {
        onFlushed();
        if (flushed) done();
      });
      if (flushed) {
        this.res.once('close', done);
        return;
      }
      if (ok) return resolve();
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }
}
