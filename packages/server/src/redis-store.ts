import type { createClient } from 'redis';
import type { ReadResult, RelayStore, StoredEvent } from './types.js';

type RedisClient = ReturnType<typeof createClient>;

export interface RedisStoreOptions {
  /** e.g. `redis://127.0.0.1:6379` */
  url: string;
  /** Prefix of every key. Default `tokenstream:relay:`. */
  keyPrefix?: string;
  /** `XADD … MAXLEN ~` bound per stream (approximate: Redis trims whole nodes). Default 10 000. */
  maxEventsPerStream?: number;
  /** Idle blocking connections kept for following live streams. Default 4. */
  maxIdleBlockingConnections?: number;
  /** How long a call waits for the first connection before it fails (the relay then answers 503). Default 5 000. */
  connectTimeoutMs?: number;
  /** Connection errors (node-redis reconnects by itself). Default: ignored. */
  onError?: (error: unknown) => void;
}

/*
 * Layout: one Redis stream per relay stream, entry ids `<seq>-0`, so `XRANGE <after+1>-0 +` replays after a
 * seq and `XREAD BLOCK … <after>-0` follows it. Entry `0-1` (field t=start) makes the key exist before the
 * first event; the end is an entry at `<lastSeq+1>-0` with field t=end. One EXPIRE covers everything.
 */
const START_ID = '0-1';
const NO_OWNER = '-';
/** A run whose owner key is missing is served to nobody: this never equals an owner a request can carry. */
const OWNER_UNKNOWN = '\u0000unknown';

function ownerOf(reply: unknown): string | null {
  if (reply === NO_OWNER) return null;
  return typeof reply === 'string' && reply.startsWith('o:') ? reply.slice(2) : OWNER_UNKNOWN;
}

interface StreamEntry {
  id: string;
  message: Record<string, string>;
}

function seqOf(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}

/** The last event's seq, from the stream's newest entry (an event, the start mark or the end mark). */
function lastSeqOf(newest: StreamEntry): number {
  if (newest.message.t === 'start') return 0;
  return newest.message.t === 'end' ? seqOf(newest.id) - 1 : seqOf(newest.id);
}

function asEntries(reply: unknown): StreamEntry[] {
  return Array.isArray(reply) ? (reply as StreamEntry[]) : [];
}

/** `XREAD` reply (RESP2 shape): `[{ name, messages }] | null`. */
function entriesOfRead(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply) || reply.length === 0) return [];
  const first = reply[0] as { messages?: unknown };
  return asEntries(first.messages);
}

/** destroy() throws on a client that is already closed (e.g. by close() while its watcher was blocked). */
function destroyQuietly(client: { destroy(): void }): void {
  try {
    client.destroy();
  } catch {
    // already closed
  }
}

interface Waiter {
  afterSeq: number;
  wake(): void;
}

/** One blocking `XREAD` loop per followed stream per instance, shared by all its local waiters. */
interface Watcher {
  lastId: string;
  lastSeq: number;
  ended: boolean;
  waiters: Set<Waiter>;
}

/**
 * Redis Streams store: any instance sharing the Redis can replay and follow a stream another instance produces.
 * Needs Redis ≥ 6.2 (`XADD NOMKSTREAM`). Blocking reads run on duplicated connections, never the command connection.
 */
export function redisStore(options: RedisStoreOptions): RelayStore {
  const prefix = options.keyPrefix ?? 'tokenstream:relay:';
  const maxEvents = Math.max(1, options.maxEventsPerStream ?? 10_000);
  const maxIdle = options.maxIdleBlockingConnections ?? 4;
  const reportError = options.onError ?? (() => undefined);
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  const keyOf = (streamId: string) => `${prefix}${streamId}`;
  const leaseKeyOf = (streamId: string) => `${prefix}${streamId}:lease`;
  const pointerKeyOf = (key: string) => `${prefix}app:${key}`;
  // The owner has its own key: the stream's start entry may be trimmed away (MAXLEN), the owner never may.
  const ownerKeyOf = (streamId: string) => `${prefix}${streamId}:owner`;

  let closed = false;
  let mainClient: RedisClient | null = null;
  let firstConnect: Promise<RedisClient> | null = null;
  const idleBlocking: RedisClient[] = [];
  const busyBlocking = new Set<RedisClient>();
  const watchers = new Map<string, Watcher>();

  // Loaded when a redisStore is made, not when the package is imported: importing never pulls in a
  // Node-only client (edge runtimes), and the first request does not wait for the module to load.
  const redisModule = import('redis');
  redisModule.catch(() => undefined);
  // Fail fast while Redis is unreachable (the relay answers 503 and clients retry) instead of queueing
  // commands: no offline queue, and a bounded wait for the first connection, which node-redis retries forever.
  const connectMain = async (): Promise<RedisClient> => {
    if (closed) throw new Error('redisStore is closed');
    if (mainClient?.isReady) return mainClient;
    if (mainClient && firstConnect === null) throw new Error('Redis connection lost; reconnecting');
    firstConnect ??= redisModule.then(async ({ createClient }) => {
      const client = createClient({ url: options.url, disableOfflineQueue: true });
      client.on('error', reportError);
      mainClient = client;
      await client.connect();
      firstConnect = null;
      return client;
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis not reachable within ${connectTimeoutMs} ms`)), connectTimeoutMs);
    });
    try {
      return await Promise.race([firstConnect, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  const acquireBlocking = async (): Promise<RedisClient> => {
    const idle = idleBlocking.pop();
    const client = idle ?? (await connectMain()).duplicate();
    busyBlocking.add(client);
    if (!idle) {
      client.on('error', reportError);
      await client.connect();
    }
    return client;
  };
  const releaseBlocking = (client: RedisClient, healthy: boolean) => {
    busyBlocking.delete(client);
    if (healthy && !closed && idleBlocking.length < maxIdle && client.isReady) idleBlocking.push(client);
    else destroyQuietly(client);
  };

  const notify = (watcher: Watcher) => {
    for (const waiter of [...watcher.waiters]) {
      if (watcher.ended || watcher.lastSeq > waiter.afterSeq) waiter.wake();
    }
  };

  const runWatcher = async (streamId: string, watcher: Watcher) => {
    let client: RedisClient | null = null;
    let healthy = true;
    try {
      client = await acquireBlocking();
      while (watcher.waiters.size > 0 && !watcher.ended && !closed) {
        // Short blocks: a watcher whose waiters all left gives its connection back within a second.
        const reply = await client.xRead({ key: keyOf(streamId), id: watcher.lastId }, { BLOCK: 1000, COUNT: 256 });
        for (const entry of entriesOfRead(reply)) {
          watcher.lastId = entry.id;
          if (entry.message.t === 'end') watcher.ended = true;
          else if (entry.message.t !== 'start') watcher.lastSeq = seqOf(entry.id);
        }
        notify(watcher);
      }
    } catch (error) {
      healthy = false;
      if (!closed) reportError(error);
      // Let every waiter re-read: the read reports the failure (or the stream's state) to its client.
      for (const waiter of [...watcher.waiters]) waiter.wake();
    } finally {
      watchers.delete(streamId);
      if (client) releaseBlocking(client, healthy);
    }
  };

  return {
    async create(streamId, ttlMs, meta) {
      const client = await connectMain();
      const multi = client.multi()
        .xAdd(keyOf(streamId), START_ID, { t: 'start' })
        .pExpire(keyOf(streamId), Math.max(1, ttlMs))
        .set(ownerKeyOf(streamId), meta?.owner === undefined ? NO_OWNER : `o:${meta.owner}`, { PX: Math.max(1, ttlMs) })
        .set(leaseKeyOf(streamId), 'live', { PX: Math.max(1, meta?.leaseMs ?? ttlMs) });
      if (meta?.key !== undefined) multi.set(pointerKeyOf(meta.key), streamId, { PX: Math.max(1, ttlMs) });
      await multi.execAsPipeline();
      return true;
    },

    async current(key) {
      const client = await connectMain();
      const streamId = await client.get(pointerKeyOf(key));
      if (typeof streamId !== 'string') return null;
      return (await client.exists(keyOf(streamId))) > 0 ? streamId : null;
    },

    async renewLease(streamId, leaseMs) {
      const client = await connectMain();
      const state = await client.get(leaseKeyOf(streamId));
      if (state === 'cancel') return false;
      await client.set(leaseKeyOf(streamId), 'live', { PX: Math.max(1, leaseMs) });
      return true;
    },

    async cancel(streamId) {
      const client = await connectMain();
      // XX: a producer whose lease already expired is gone; there is nobody left to tell.
      await client.set(leaseKeyOf(streamId), 'cancel', { XX: true, KEEPTTL: true });
    },

    async append(streamId, events: readonly StoredEvent[], ttlMs) {
      if (events.length === 0) return;
      const client = await connectMain();
      const key = keyOf(streamId);
      const multi = client.multi();
      for (const event of events) {
        multi.xAddNoMkStream(key, `${event.seq}-0`, { t: 'e', e: event.event, d: event.data },
          { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: maxEvents } });
      }
      multi.pExpire(key, Math.max(1, ttlMs));
      multi.pExpire(ownerKeyOf(streamId), Math.max(1, ttlMs));
      const replies = await multi.execAsPipeline();
      if (replies[0] === null) throw new Error('The stream is no longer in the store (expired)');
    },

    async read(streamId, afterSeq, limit): Promise<ReadResult | null> {
      const client = await connectMain();
      const key = keyOf(streamId);
      const [range, latest, first, lease] = await client.multi()
        .xRange(key, `${afterSeq + 1}-0`, '+', { COUNT: Math.max(1, limit) + 1 })
        .xRevRange(key, '+', '-', { COUNT: 1 })
        .get(ownerKeyOf(streamId))
        .exists(leaseKeyOf(streamId))
        .execAsPipeline();
      const [last] = asEntries(latest);
      if (!last) return null;
      const owner = ownerOf(first);
      const events: StoredEvent[] = [];
      let ended = false;
      let nextSeq: number | null = null;
      for (const entry of asEntries(range)) {
        if (entry.message.t === 'start') continue;
        const seq = seqOf(entry.id);
        nextSeq ??= seq;
        if (entry.message.t === 'end') {
          ended = true;
          break;
        }
        if (events.length === limit) break;
        events.push({ seq, event: entry.message.e ?? '', data: entry.message.d ?? '' });
      }
      const finished = last.message.t === 'end';
      return { events, ended, nextSeq: nextSeq ?? afterSeq + 1, lastSeq: lastSeqOf(last), owner,
        producerAlive: finished || Number(lease) > 0 };
    },

    wait(streamId, afterSeq, timeoutMs, signal) {
      if (signal.aborted || closed) return Promise.resolve(false);
      let watcher = watchers.get(streamId);
      if (watcher && (watcher.ended || watcher.lastSeq > afterSeq)) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const settle = (value: boolean) => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          watcher?.waiters.delete(waiter);
          resolve(value);
        };
        const waiter: Waiter = { afterSeq, wake: () => settle(true) };
        const onAbort = () => settle(false);
        const timer = setTimeout(() => settle(false), timeoutMs);
        signal.addEventListener('abort', onAbort, { once: true });
        if (!watcher) {
          watcher = { lastId: `${afterSeq}-0`, lastSeq: afterSeq, ended: false, waiters: new Set([waiter]) };
          watchers.set(streamId, watcher);
          void runWatcher(streamId, watcher);
        } else {
          watcher.waiters.add(waiter);
        }
      });
    },

    async end(streamId, ttlMs) {
      const client = await connectMain();
      const key = keyOf(streamId);
      const [last] = asEntries(await client.xRevRange(key, '+', '-', { COUNT: 1 }));
      if (!last || last.message.t === 'end') return;
      await client.multi()
        .xAddNoMkStream(key, `${lastSeqOf(last) + 1}-0`, { t: 'end' })
        .pExpire(key, Math.max(1, ttlMs))
        .pExpire(ownerKeyOf(streamId), Math.max(1, ttlMs))
        .del(leaseKeyOf(streamId))
        .execAsPipeline();
    },

    async exists(streamId) {
      const client = await connectMain();
      return (await client.exists(keyOf(streamId))) > 0;
    },

    async expire(streamId, ttlMs) {
      const client = await connectMain();
      if (ttlMs <= 0) await client.del([keyOf(streamId), leaseKeyOf(streamId), ownerKeyOf(streamId)]);
      else {
        await client.multi().pExpire(keyOf(streamId), ttlMs).pExpire(ownerKeyOf(streamId), ttlMs).execAsPipeline();
      }
    },

    async close() {
      closed = true;
      for (const watcher of watchers.values()) for (const waiter of [...watcher.waiters]) waiter.wake();
      for (const client of [...idleBlocking, ...busyBlocking]) destroyQuietly(client);
      idleBlocking.length = 0;
      busyBlocking.clear();
      const main = mainClient;
      mainClient = null;
      if (main?.isReady) await main.close();
      else if (main) destroyQuietly(main);
    },
  };
}
