/** The app's call to the provider. Pass `signal` to `fetch` so the relay can stop the upstream (TTL, cancel, overflow). */
export type Upstream = (signal: AbortSignal, request: Request) => Promise<Response>;

/** One upstream event as the relay stores it: the upstream's event name ('' or 'message' when it named none) and data. */
export interface StoredEvent {
  /** 1, 2, 3 … within its run; the SSE id the client sees is `<runId>:<seq>`. */
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
  /** The owner the run was created for; null when it has none. */
  owner: string | null;
  /** The producer's lease is current (or the run ended): false means the instance producing it is gone. */
  producerAlive: boolean;
}

/** What the relay records with a new run. */
export interface RunMeta {
  /** Only requests with this owner are served the run. */
  owner?: string;
  /** The app's key for the run (owner and streamId): `current(key)` then answers this run. */
  key?: string;
  /** The producer's lease, renewed with `renewLease`; followers treat an expired lease as a dead producer. */
  leaseMs: number;
}

/**
 * Where the relay keeps each run's events so that a reconnecting client can replay them. One writer per run
 * (the relay instance that runs its upstream); any number of readers, on any instance sharing the store.
 * A run is one answer: an app's streamId (e.g. a chat id) has a new run for every turn.
 */
export interface RelayStore {
  /** Registers a new, empty run kept for `ttlMs`. Resolves false when the store is full (the relay answers 503). */
  create(runId: string, ttlMs: number, meta?: RunMeta): Promise<boolean>;
  /** The run an app key (see RunMeta.key) points at, while that run is kept; null otherwise. */
  current(key: string): Promise<string | null>;
  /** Appends events (seqs consecutive, continuing the run) and keeps it `ttlMs` from now. Rejects if the run is gone. */
  append(runId: string, events: readonly StoredEvent[], ttlMs: number): Promise<void>;
  /** Events with seq > afterSeq, at most `limit`; null when the run is unknown or expired. */
  read(runId: string, afterSeq: number, limit: number): Promise<ReadResult | null>;
  /**
   * Resolves true as soon as there is something after `afterSeq` (an event or the end) or the run is gone,
   * false after `timeoutMs` without either or when `signal` aborts. Never rejects for a timeout.
   */
  wait(runId: string, afterSeq: number, timeoutMs: number, signal: AbortSignal): Promise<boolean>;
  /** Marks the run complete (readers then finish) and keeps it `ttlMs` from now. */
  end(runId: string, ttlMs: number): Promise<void>;
  exists(runId: string): Promise<boolean>;
  /** Keeps the run `ttlMs` from now (0 removes it). */
  expire(runId: string, ttlMs: number): Promise<void>;
  /** The producer's heartbeat: extends its lease. Resolves false when the run was cancelled (the producer stops). */
  renewLease(runId: string, leaseMs: number): Promise<boolean>;
  /** Asks the run's producer, on whichever instance, to stop: its next `renewLease` resolves false. */
  cancel(runId: string): Promise<void>;
  /** Releases connections and wakes every waiter. */
  close(): Promise<void>;
}

export interface RelayOptions {
  /** Default: a fresh `memoryStore()` (one process). Use `redisStore` to resume on another instance. */
  store?: RelayStore;
  /**
   * An SSE comment (`: ping`) is sent after this long without an event. Also the producer's heartbeat: followers
   * of a producer that died end with a `producer_lost` error within 3 heartbeats. Default 15 000.
   */
  heartbeatMs?: number;
  /**
   * Default 600 000 (10 min). The longest an upstream is consumed, and how long a stream stays resumable
   * after it ended. While its upstream runs, a stream is kept for 2 × ttlMs after each event.
   */
  ttlMs?: number;
  /** 'continue' (default): keep consuming the upstream for a later resume. 'abort': abort it once no client is attached. */
  onClientGone?: 'continue' | 'abort';
  /** Store and internal failures that cannot be reported in-band, with secrets, ids and owners left out. Default: `console.error`. */
  onError?: (error: unknown) => void;
  /** Largest upstream line or event, in UTF-8 bytes; past it the stream ends with an in-band `overflow` error. Default 8 MiB. */
  maxEventBytes?: number;
  /** Streams one owner may run at once on this instance; one more is answered 429. Default: no limit. */
  maxStreamsPerOwner?: number;
  /** A client that has taken nothing for this long while its buffer is full is disconnected. Default 60 000. */
  clientIdleTimeoutMs?: number;
  /**
   * Longest wait for any one store command. A new request whose run cannot be registered in time is still served
   * (without resume); a resume or join answers 503. Default 3 000.
   */
  storeTimeoutMs?: number;
  /**
   * Values that must never reach a client or a log line, beyond what the relay recognizes by itself (credential
   * headers of the incoming request, key formats, URLs): e.g. the API keys your `upstream` sends.
   */
  secrets?: readonly string[];
}

export interface RelayStats {
  /** Upstreams this instance is consuming right now. */
  upstreams: number;
  /** Clients this instance is streaming to right now. */
  clients: number;
  /** Bytes encoded for clients but not yet taken by them, summed over clients. */
  bufferedBytes: number;
  /** The largest per-client figure: stays flat however slow a reader or large an event is. */
  maxClientBufferedBytes: number;
}

export interface HandleOptions {
  upstream: Upstream;
  /** The app's id for the stream, e.g. the chat id: `join` and `cancel` find the stream by it. */
  streamId?: string;
  /** E.g. the session's user id: the stream is served only to requests with the same owner. */
  owner?: string;
}

export interface StreamRef {
  streamId: string;
  owner?: string;
}

export interface Relay {
  /** Starts a stream (POST), or resumes one named by `Last-Event-ID` / `?stream=<id>&after=<seq>`. */
  handle(request: Request, opts: HandleOptions): Promise<Response>;
  /** The current stream of `streamId` from its first event, then live; 204 when there is none (or another owner's). */
  join(request: Request, ref: StreamRef): Promise<Response>;
  /** Aborts the stream's upstream (its clients get an in-band `cancelled` error); 204, or 404 when there is none. */
  cancel(request: Request, ref: StreamRef): Promise<Response>;
  stats(): RelayStats;
  /** Aborts every upstream and client stream of this instance (for shutdown and tests); the store stays open. */
  close(): Promise<void>;
}
