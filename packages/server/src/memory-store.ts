import type { ReadResult, RelayStore, StoredEvent } from './types.js';

export interface MemoryStoreOptions {
  /** Oldest events beyond this are dropped (a client that still needs them gets 410). Default 10 000. */
  maxEventsPerStream?: number;
  /** Creating one more stream first evicts the oldest ended one; with none ended, the relay answers 503. Default 1 000. */
  maxStreams?: number;
  /** Clock in ms, for tests of expiry. Default `Date.now`. */
  now?: () => number;
}

interface MemoryStream {
  /** events[head..] are kept; dropped ones are compacted away in bulk. */
  events: StoredEvent[];
  head: number;
  lastSeq: number;
  ended: boolean;
  expiresAt: number;
  waiters: Set<() => void>;
  owner: string | null;
  key: string | null;
  leaseUntil: number;
  cancelled: boolean;
}

/** A bounded in-process store: streams survive a dropped connection, not a restart, and are seen by this process only. */
export function memoryStore(options: MemoryStoreOptions = {}): RelayStore {
  const maxEvents = Math.max(1, options.maxEventsPerStream ?? 10_000);
  const maxStreams = Math.max(1, options.maxStreams ?? 1_000);
  const now = options.now ?? Date.now;
  // Insertion order = creation order, which eviction relies on.
  const streams = new Map<string, MemoryStream>();
  const current = new Map<string, string>();

  const wake = (stream: MemoryStream) => {
    for (const waiter of [...stream.waiters]) waiter();
  };
  const remove = (streamId: string, stream: MemoryStream) => {
    streams.delete(streamId);
    if (stream.key !== null && current.get(stream.key) === streamId) current.delete(stream.key);
    wake(stream);
  };
  const live = (streamId: string): MemoryStream | null => {
    const stream = streams.get(streamId);
    if (!stream) return null;
    if (stream.expiresAt <= now()) {
      remove(streamId, stream);
      return null;
    }
    return stream;
  };
  const liveOrThrow = (streamId: string): MemoryStream => {
    const stream = live(streamId);
    if (!stream) throw new Error('The stream is no longer in the store (expired or evicted)');
    return stream;
  };
  const sweepExpired = () => {
    const time = now();
    for (const [streamId, stream] of streams) if (stream.expiresAt <= time) remove(streamId, stream);
  };

  return {
    async create(streamId, ttlMs, meta) {
      sweepExpired();
      if (streams.size >= maxStreams) {
        let evicted = false;
        for (const [id, stream] of streams) {
          if (stream.ended) {
            remove(id, stream);
            evicted = true;
            break;
          }
        }
        if (!evicted) return false;
      }
      const key = meta?.key ?? null;
      streams.set(streamId, { events: [], head: 0, lastSeq: 0, ended: false, expiresAt: now() + ttlMs, waiters: new Set(),
        owner: meta?.owner ?? null, key, leaseUntil: now() + (meta?.leaseMs ?? ttlMs), cancelled: false });
      if (key !== null) current.set(key, streamId);
      return true;
    },

    async current(key) {
      const streamId = current.get(key);
      return streamId !== undefined && live(streamId) ? streamId : null;
    },

    async renewLease(streamId, leaseMs) {
      const stream = live(streamId);
      if (!stream || stream.cancelled) return false;
      stream.leaseUntil = now() + leaseMs;
      return true;
    },

    async cancel(streamId) {
      const stream = live(streamId);
      if (stream) stream.cancelled = true;
    },

    async append(streamId, events, ttlMs) {
      const stream = liveOrThrow(streamId);
      for (const event of events) {
        if (event.seq !== stream.lastSeq + 1) {
          throw new Error(`Appended seq ${event.seq} after ${stream.lastSeq}`);
        }
        stream.events.push(event);
        stream.lastSeq = event.seq;
      }
      const excess = stream.events.length - stream.head - maxEvents;
      if (excess > 0) stream.head += excess;
      // Compact once the dropped prefix is as long as the kept part: amortised O(1) per event.
      if (stream.head >= maxEvents) {
        stream.events = stream.events.slice(stream.head);
        stream.head = 0;
      }
      stream.expiresAt = now() + ttlMs;
      wake(stream);
    },

    async read(streamId, afterSeq, limit): Promise<ReadResult | null> {
      const stream = live(streamId);
      if (!stream) return null;
      const kept = stream.events.length - stream.head;
      const firstSeq = kept > 0 ? stream.events[stream.head].seq : stream.lastSeq + 1;
      const start = stream.head + Math.max(0, afterSeq + 1 - firstSeq);
      const events = stream.events.slice(start, start + Math.max(0, limit));
      const reachesEnd = start + events.length >= stream.events.length;
      const nextSeq = events.length > 0 ? events[0].seq : Math.max(afterSeq + 1, Math.min(firstSeq, stream.lastSeq + 1));
      return { events, ended: stream.ended && reachesEnd, nextSeq, lastSeq: stream.lastSeq, owner: stream.owner,
        producerAlive: stream.ended || stream.leaseUntil > now() };
    },

    wait(streamId, afterSeq, timeoutMs, signal) {
      const stream = live(streamId);
      if (!stream || stream.ended || stream.lastSeq > afterSeq) return Promise.resolve(true);
      if (signal.aborted) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        const settle = (value: boolean) => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          stream.waiters.delete(onWake);
          resolve(value);
        };
        const onWake = () => settle(true);
        const onAbort = () => settle(false);
        const timer = setTimeout(() => settle(false), timeoutMs);
        stream.waiters.add(onWake);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    },

    async end(streamId, ttlMs) {
      const stream = live(streamId);
      if (!stream) return;
      stream.ended = true;
      stream.expiresAt = now() + ttlMs;
      wake(stream);
    },

    async exists(streamId) {
      return live(streamId) !== null;
    },

    async expire(streamId, ttlMs) {
      const stream = live(streamId);
      if (!stream) return;
      if (ttlMs <= 0) remove(streamId, stream);
      else stream.expiresAt = now() + ttlMs;
    },

    async close() {
      for (const [streamId, stream] of streams) remove(streamId, stream);
      current.clear();
    },
  };
}
