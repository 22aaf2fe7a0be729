/** The app's call to the provider. Pass `signal` to `fetch` so the relay can stop the upstream (TTL, `onClientGone: 'abort'`). */
export type Upstream = (signal: AbortSignal, request: Request) => Promise<Response>;

/** One upstream event as the relay stores it: the upstream's event name ('' when it named none) and data, unchanged. */
export interface StoredEvent {
  /** 1, 2, 3 … within its stream; the SSE id the client sees is `<streamId>:<seq>`. */
  seq: number;
  event: string;
  data: string;
}

export interface ReadResult {
  /** Events after the requested seq, oldest first, at most `limit`. */
  events: StoredEvent[];
  /** True when the stream has ended and `events` reaches its last event: nothing will follow. */
  ended: boolean;
  /**
   * The seq of the first entry the store still holds after the requested one (an event, or the end of the
   * stream). More than `afterSeq + 1` means entries were evicted (bounded store) and the gap cannot be replayed.
   */
  nextSeq: number;
  /** The highest seq appended so far (0 before the first event). */
  lastSeq: number;
}

/**
 * Where the relay keeps each stream's events so that a reconnecting client can replay them. One writer per
 * stream (the relay instance that runs its upstream); any number of readers, on any instance sharing the store.
 */
export interface RelayStore {
  /** Registers a new, empty stream kept for `ttlMs`. Resolves false when the store is full (the relay answers 503). */
  create(streamId: string, ttlMs: number): Promise<boolean>;
  /** Appends events (seqs consecutive, continuing the stream) and keeps the stream `ttlMs` from now. Rejects if the stream is gone. */
  append(streamId: string, events: readonly StoredEvent[], ttlMs: number): Promise<void>;
  /** Events with seq > afterSeq, at most `limit`; null when the stream is unknown or expired. */
  read(streamId: string, afterSeq: number, limit: number): Promise<ReadResult | null>;
  /**
   * Resolves true as soon as there is something after `afterSeq` (an event or the end) or the stream is gone,
   * false after `timeoutMs` without either or when `signal` aborts. Never rejects for a timeout.
   */
  wait(streamId: string, afterSeq: number, timeoutMs: number, signal: AbortSignal): Promise<boolean>;
  /** Marks the stream complete (readers then finish) and keeps it `ttlMs` from now. */
  end(streamId: string, ttlMs: number): Promise<void>;
  exists(streamId: string): Promise<boolean>;
  /** Keeps the stream `ttlMs` from now (0 removes it). */
  expire(streamId: string, ttlMs: number): Promise<void>;
  /** Releases connections and wakes every waiter. */
  close(): Promise<void>;
}

export interface RelayOptions {
  /** Default: a fresh `memoryStore()` (one process). Use `redisStore` to resume on another instance. */
  store?: RelayStore;
  /** An SSE comment (`: ping`) is sent after this long without an event. Default 15 000. */
  heartbeatMs?: number;
  /**
   * Default 600 000 (10 min). The longest an upstream is consumed, and how long a stream stays resumable
   * after it ended. While its upstream runs, a stream is kept for 2 × ttlMs after each event.
   */
  ttlMs?: number;
  /** 'continue' (default): keep consuming the upstream for a later resume. 'abort': abort it once no client is attached. */
  onClientGone?: 'continue' | 'abort';
  /** Store and internal failures that cannot be reported in-band. Default: `console.error`. Never receives headers. */
  onError?: (error: unknown) => void;
}

export interface RelayStats {
  /** Upstreams this instance is consuming right now. */
  upstreams: number;
  /** Clients this instance is streaming to right now. */
  clients: number;
  /** Bytes encoded for clients but not yet taken by them, summed over clients. */
  bufferedBytes: number;
  /** The largest per-client figure: stays flat however slow a reader is. */
  maxClientBufferedBytes: number;
}

export interface Relay {
  handle(request: Request, opts: { upstream: Upstream }): Promise<Response>;
  stats(): RelayStats;
  /** Aborts every upstream and client stream of this instance (for shutdown and tests); the store stays open. */
  close(): Promise<void>;
}
