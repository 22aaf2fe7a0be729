import type { FormatContext, ProviderFormat, StreamStop, WireEvent } from './formats';

// Each generated stream lives here, keyed by stream id, so a reconnect can resume it. Generation is pulled:
// an event is produced only when a connection asks for the next one, so a slow reader slows generation
// (backpressure reaches the generator) and a stream nobody reads stops generating. The log of produced events
// is bounded in bytes per stream (oldest dropped first) and streams expire after a TTL once nobody reads them.
// A stream named by an app's chat id is the exception: it generates to its end whoever reads it (a user who
// leaves the page comes back to a finished answer), until it is cancelled or replaced by a newer POST.

export interface LoggedEvent {
  seq: number;
  /** `<streamId>:<seq>` */
  id: string;
  event?: string;
  data: string;
}

export interface StoreLimits {
  /** Idle streams are forgotten after this long. Default 5 minutes. */
  ttlMs: number;
  /** At most this many streams are kept; the oldest idle ones go first. Default 500. */
  maxStreams: number;
  /** Per-stream resume log bound in bytes. Default 4 MiB. */
  maxLogBytes: number;
}

export const DEFAULT_LIMITS: StoreLimits = { ttlMs: 5 * 60_000, maxStreams: 500, maxLogBytes: 4 * 1024 * 1024 };

export interface Pace {
  tokensPerSecond: number;
  firstTokenDelayMs: number;
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export class MockStream {
  readonly id: string;
  readonly createdAt = Date.now();
  lastUsedAt = this.createdAt;
  /** Connections currently reading this stream. */
  readers = 0;
  private log: LoggedEvent[] = [];
  private logBytes = 0;
  private nextSeq = 1;
  private finished = false;
  private producing: Promise<void> | null = null;
  private readonly source: Iterator<WireEvent>;
  private lastTokenAt: number | null = null;
  private readonly stopController = new AbortController();

  constructor(
    readonly key: string,
    readonly format: ProviderFormat,
    readonly ctx: FormatContext,
    events: Iterable<WireEvent>,
    private readonly pace: Pace,
    private readonly maxLogBytes: number,
  ) {
    this.id = ctx.streamId;
    this.source = events[Symbol.iterator]();
  }

  /** Aborts when the stream was cancelled (the store cancels every stream when the server closes). */
  get signal(): AbortSignal {
    return this.stopController.signal;
  }

  /**
   * Stops generating: nothing more is produced. With a `stop` (someone pressed Stop), a stream still generating
   * ends with the format's stopped event, logged like any other so that followers and later joins read an end,
   * not a drop; without one (expiry, server close) readers get the bare end after what was produced.
   */
  cancel(stop?: StreamStop): void {
    if (!this.finished && stop) {
      const last = this.format.stopped(this.ctx, stop);
      if (last) this.append(last);
    }
    this.finished = true;
    this.stopController.abort(new Error('stream cancelled'));
  }

  /** Generates every event now, whether or not anyone reads (pacing still applies). */
  async runToEnd(): Promise<void> {
    try {
      for (let seq = this.firstSeq; ; seq++) {
        const next = await this.take(seq);
        if (next === 'end') return;
        if (next === 'evicted') seq = this.firstSeq - 1;
      }
    } catch {
      // cancelled, or the server closed
    }
  }

  get bufferedBytes(): number {
    return this.logBytes;
  }

  get done(): boolean {
    return this.finished;
  }

  /** Seq of the oldest event still in the log. */
  get firstSeq(): number {
    return this.log.length > 0 ? this.log[0].seq : this.nextSeq;
  }

  /** The event with this seq, producing it if it is the next one; 'end' after the last; 'evicted' if dropped from the log. */
  async take(seq: number): Promise<LoggedEvent | 'end' | 'evicted'> {
    this.lastUsedAt = Date.now();
    for (;;) {
      if (seq < this.firstSeq) return 'evicted';
      if (seq < this.nextSeq) return this.log[seq - this.firstSeq];
      if (this.finished) return 'end';
      this.producing ??= this.produceNext().finally(() => {
        this.producing = null;
      });
      await this.producing;
    }
  }

  private async produceNext(): Promise<void> {
    if (this.finished) return;
    const next = this.source.next();
    if (next.done) {
      this.finished = true;
      return;
    }
    const wire = next.value;
    if (wire.token) await this.waitForTurn();
    if (this.finished) return; // cancelled while waiting for its turn
    this.append(wire);
  }

  private append(wire: WireEvent): void {
    const seq = this.nextSeq++;
    const logged: LoggedEvent = { seq, id: `${this.id}:${seq}`, data: wire.data };
    if (wire.event !== undefined) logged.event = wire.event;
    this.log.push(logged);
    this.logBytes += wire.data.length + (wire.event?.length ?? 0) + 16;
    while (this.logBytes > this.maxLogBytes && this.log.length > 1) {
      const dropped = this.log.shift()!;
      this.logBytes -= dropped.data.length + (dropped.event?.length ?? 0) + 16;
    }
  }

  /** Paces token events: the first after firstTokenDelayMs from creation, then one per 1/tokensPerSecond. */
  private async waitForTurn(): Promise<void> {
    const { tokensPerSecond, firstTokenDelayMs } = this.pace;
    const due =
      this.lastTokenAt === null
        ? this.createdAt + firstTokenDelayMs
        : tokensPerSecond > 0
          ? this.lastTokenAt + 1000 / tokensPerSecond
          : 0;
    const wait = due - Date.now();
    if (wait > 0) {
      await sleep(wait, this.signal).catch((error: unknown) => {
        if (!this.finished) throw error; // a cancel ends the stream cleanly; a server close drops it
      });
    }
    this.lastTokenAt = Date.now();
  }
}

export interface NewStream {
  key: string;
  /** The app's chat id (a top-level `id` in the POST body) with its route: names the stream for `{route}/{id}/stream`. */
  chatId?: string;
  format: ProviderFormat;
  model: string;
  body: unknown;
  events: (ctx: FormatContext) => Iterable<WireEvent>;
  pace: Pace;
}

export class StreamStore {
  private readonly streams = new Map<string, MockStream>();
  private readonly attempts = new Map<string, { count: number; at: number }>();
  /** chat id -> stream id of its latest generation. */
  private readonly chats = new Map<string, string>();
  /** Streams generated since the server started (resumes and joins generate nothing). */
  generations = 0;

  constructor(private readonly limits: StoreLimits) {}

  create(spec: NewStream): MockStream {
    this.sweep();
    const ctx: FormatContext = {
      streamId: randomStreamId(),
      model: spec.model,
      created: Math.floor(Date.now() / 1000),
      body: spec.body,
    };
    const stream = new MockStream(spec.key, spec.format, ctx, spec.events(ctx), spec.pace, this.limits.maxLogBytes);
    this.streams.set(stream.id, stream);
    this.generations++;
    if (spec.chatId !== undefined) {
      const previous = this.chatStream(spec.chatId);
      previous?.cancel(); // a new POST for the chat replaces its earlier answer
      this.chats.delete(spec.chatId); // re-insert: Map order stays oldest-first for the bound below
      this.chats.set(spec.chatId, stream.id);
      if (this.chats.size > this.limits.maxStreams) this.chats.delete(this.chats.keys().next().value!);
      void stream.runToEnd();
    }
    return stream;
  }

  /** The latest stream of a chat, while it is kept. */
  chatStream(chatId: string): MockStream | undefined {
    const id = this.chats.get(chatId);
    const stream = id === undefined ? undefined : this.get(id);
    if (id !== undefined && !stream) this.chats.delete(chatId);
    return stream;
  }

  get(id: string): MockStream | undefined {
    const stream = this.streams.get(id);
    if (stream && stream.readers === 0 && Date.now() - stream.lastUsedAt > this.limits.ttlMs) {
      this.forget(id, stream);
      return undefined;
    }
    return stream;
  }

  /** Counts one more attempt for this key and returns the count (1 for the first). */
  countAttempt(key: string): number {
    const now = Date.now();
    const entry = this.attempts.get(key);
    const count = entry && now - entry.at <= this.limits.ttlMs ? entry.count + 1 : 1;
    this.attempts.delete(key); // re-insert so Map order stays oldest-first
    this.attempts.set(key, { count, at: now });
    if (this.attempts.size > 10_000) this.attempts.delete(this.attempts.keys().next().value!);
    return count;
  }

  get size(): number {
    return this.streams.size;
  }

  get logBytes(): number {
    let total = 0;
    for (const s of this.streams.values()) total += s.bufferedBytes;
    return total;
  }

  clear(): void {
    for (const stream of this.streams.values()) stream.cancel();
    this.streams.clear();
    this.chats.clear();
    this.attempts.clear();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, s] of this.streams) {
      if (s.readers === 0 && now - s.lastUsedAt > this.limits.ttlMs) this.forget(id, s);
    }
    if (this.streams.size < this.limits.maxStreams) return;
    for (const [id, s] of this.streams) {
      if (this.streams.size < this.limits.maxStreams) break;
      if (s.readers === 0) this.forget(id, s);
    }
  }

  private forget(id: string, stream: MockStream): void {
    stream.cancel();
    this.streams.delete(id);
  }
}

/** 20 hex digits; no node:crypto, so the mock runs in browsers too. */
function randomStreamId(): string {
  const bytes = new Uint8Array(10);
  if (globalThis.crypto?.getRandomValues) globalThis.crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Splits `<streamId>:<seq>` (null when the id is not one of ours). */
export function parseEventId(id: string): { streamId: string; seq: number } | null {
  const colon = id.lastIndexOf(':');
  if (colon <= 0) return null;
  const seq = Number(id.slice(colon + 1));
  if (!Number.isInteger(seq) || seq < 0) return null;
  return { streamId: id.slice(0, colon), seq };
}
