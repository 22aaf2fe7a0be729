import type { Framing } from './formats';
import type { EventSink, OutgoingEvent } from './pump';
import { sleep } from './stream-store';

// Frames events as bytes on a web ReadableStream (a Response body): SSE (LF, or CRLF for Gemini), NDJSON lines or
// raw text. The stream has a high-water mark of 0, so a chunk is made only when the reader asks for one: a reader
// that stops reading stops the pump (and, through it, generation). The Node adapter reads this body with 'drain'
// backpressure, createMockFetch hands it to the app as is. dropAfterBytes and slowDrip act on the bytes here.

export interface WebSinkOptions {
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

/** What a reader of a dropped body sees, as with a real connection reset. */
export class MockConnectionDropped extends TypeError {
  override name = 'MockConnectionDropped';
  constructor() {
    super('network error: the mock server dropped the connection (fault)');
  }
}

const encoder = new TextEncoder();

export class WebEventSink implements EventSink {
  bytesWritten = 0;
  readonly body: ReadableStream<Uint8Array>;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private isClosed = false;
  private cancelled = false;
  /** The body was closed or errored: nothing may touch the controller again. */
  private finalized = false;
  private chain: Promise<unknown> = Promise.resolve();
  private pendingWrites = 0;
  private lastWriteAt = Date.now();
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private readonly closedController = new AbortController();
  /** Resolves the pending pull (the reader's request for one chunk). */
  private demand: (() => void) | null = null;
  /** A writer waiting for the reader to ask. */
  private demandWaiter: (() => void) | null = null;

  constructor(private readonly o: WebSinkOptions) {
    this.body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        pull: () =>
          new Promise<void>((resolve) => {
            this.demand = resolve;
            this.wakeWriter();
          }),
        cancel: () => {
          this.cancelled = true;
          this.markClosed();
          this.wakeWriter();
        },
      },
      { highWaterMark: 0 },
    );
    const sse = o.framing === 'sse' || o.framing === 'sse-crlf';
    if (sse && o.heartbeatMs > 0) {
      const comment = o.framing === 'sse-crlf' ? ': ping\r\n\r\n' : ': ping\n\n';
      this.heartbeat = setInterval(() => {
        // Only on an idle connection: a reader held up by backpressure must not collect queued pings.
        if (this.pendingWrites === 0 && Date.now() - this.lastWriteAt >= o.heartbeatMs) void this.enqueue(encoder.encode(comment));
      }, Math.max(5, Math.floor(o.heartbeatMs / 2)));
    }
  }

  /** Aborts when the body closed (reader gone, drop, or normal end). */
  get signal(): AbortSignal {
    return this.closedController.signal;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** An SSE `retry:` field before the first event (a retry-only block dispatches nothing). */
  sendRetry(ms: number): Promise<boolean> {
    const nl = this.o.framing === 'sse-crlf' ? '\r\n' : '\n';
    return this.enqueue(encoder.encode(`retry: ${ms}${nl}${nl}`));
  }

  send(e: OutgoingEvent): Promise<boolean> {
    return this.enqueue(encoder.encode(encodeEvent(this.o.framing, e)));
  }

  end(): void {
    void this.chain.then(() => {
      if (this.isClosed) return;
      this.markClosed();
      this.finalized = true;
      this.controller.close();
    });
  }

  /** Errors the body once the reader took every byte written so far, so a drop cuts exactly where it says. */
  drop(): void {
    if (this.isClosed) return;
    this.markClosed();
    void this.chain.then(async () => {
      await this.waitForDemand();
      if (this.cancelled || this.finalized) return;
      this.finalized = true;
      this.controller.error(new MockConnectionDropped());
    });
  }

  /** The request was aborted or the server closed: the reader's next read rejects with `reason`, as with fetch. */
  abort(reason: unknown): void {
    this.markClosed();
    this.wakeWriter();
    if (this.cancelled || this.finalized) return;
    this.finalized = true;
    this.controller.error(reason);
  }

  private markClosed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.closedController.abort(new Error('connection closed'));
  }

  private wakeWriter(): void {
    const waiter = this.demandWaiter;
    this.demandWaiter = null;
    waiter?.();
  }

  private waitForDemand(): Promise<void> {
    if (this.demand || this.cancelled) return Promise.resolve();
    return new Promise((resolve) => (this.demandWaiter = resolve));
  }

  private enqueue(bytes: Uint8Array): Promise<boolean> {
    this.pendingWrites++;
    const result = this.chain.then(() => this.writeBytes(bytes)).finally(() => this.pendingWrites--);
    this.chain = result.catch(() => false);
    return result;
  }

  private async writeBytes(bytes: Uint8Array): Promise<boolean> {
    if (this.isClosed) return false;
    const limit = this.o.dropAfterBytes;
    const cut = limit !== undefined && this.bytesWritten + bytes.length >= limit;
    const payload = cut ? bytes.subarray(0, Math.max(0, limit - this.bytesWritten)) : bytes;
    if (this.o.slowDrip) {
      const pause = typeof this.o.slowDrip === 'number' ? this.o.slowDrip : 0;
      for (let i = 0; i < payload.length && !this.isClosed; i++) {
        await this.deliver(payload.subarray(i, i + 1));
        if (pause > 0) await sleep(pause, this.signal).catch(() => undefined);
      }
    } else {
      await this.deliver(payload);
    }
    this.lastWriteAt = Date.now();
    if (cut) {
      this.drop();
      return false;
    }
    return !this.isClosed;
  }

  /** Hands one chunk to the reader when it asks for one. */
  private async deliver(chunk: Uint8Array): Promise<void> {
    if (chunk.length === 0) return;
    await this.waitForDemand();
    if (this.cancelled || this.finalized) return;
    this.controller.enqueue(chunk);
    this.bytesWritten += chunk.length;
    const demand = this.demand;
    this.demand = null;
    demand?.();
  }
}
