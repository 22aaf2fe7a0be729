import { afterEach, describe, expect, inject, it } from 'vitest';
import { memoryStore, redisStore, type RelayStore, type StoredEvent } from '../src/index';

const TTL = 60_000;
let counter = 0;
const newId = () => `contract${Date.now().toString(36)}${counter++}`;
/** A run without owner whose producer's lease is current. */
const FRESH = { owner: null, producerAlive: true };
const ev = (seq: number, data = `d${seq}`, event = ''): StoredEvent => ({ seq, event, data });

const stores: Record<string, () => RelayStore> = {
  memoryStore: () => memoryStore(),
  redisStore: () => redisStore({ url: inject('redisUrl'), keyPrefix: 'test:contract:' }),
};

describe.each(Object.keys(stores))('%s: the RelayStore contract', (name) => {
  let store: RelayStore;
  afterEach(async () => {
    await store.close();
  });
  const open = () => {
    store = stores[name]();
    return store;
  };

  it('an unknown stream reads as null and does not exist', async () => {
    open();
    expect(await store.read('nope', 0, 10)).toBeNull();
    expect(await store.exists('nope')).toBe(false);
  });

  it('a created stream exists and is empty until appended; reads return events after a seq, in order, limited', async () => {
    open();
    const id = newId();
    expect(await store.create(id, TTL)).toBe(true);
    expect(await store.exists(id)).toBe(true);
    expect(await store.read(id, 0, 10)).toEqual({ events: [], ended: false, nextSeq: 1, lastSeq: 0, ...FRESH });
    await store.append(id, [ev(1), ev(2, 'line1\nline2', 'custom')], TTL);
    await store.append(id, [ev(3, '')], TTL);
    expect(await store.read(id, 0, 10)).toEqual({ events: [ev(1), ev(2, 'line1\nline2', 'custom'), ev(3, '')], ended: false, nextSeq: 1,
      lastSeq: 3, ...FRESH });
    expect(await store.read(id, 1, 1)).toEqual({ events: [ev(2, 'line1\nline2', 'custom')], ended: false, nextSeq: 2, lastSeq: 3, ...FRESH });
    expect(await store.read(id, 3, 10)).toEqual({ events: [], ended: false, nextSeq: 4, lastSeq: 3, ...FRESH });
  });

  it('keeps the owner and the app key; the pointer answers the newest run of a key', async () => {
    open();
    const [first, second, other] = [newId(), newId(), newId()];
    const key = `key-${first}`;
    await store.create(first, TTL, { owner: 'alice', key, leaseMs: TTL });
    expect(await store.current(key)).toBe(first);
    await store.create(second, TTL, { owner: 'alice', key, leaseMs: TTL });
    await store.create(other, TTL, { leaseMs: TTL });
    expect(await store.current(key)).toBe(second);
    expect(await store.current(`${key}-unknown`)).toBeNull();
    expect(await store.read(second, 0, 1)).toMatchObject({ owner: 'alice' });
    expect(await store.read(other, 0, 1)).toMatchObject({ owner: null });
    await store.expire(second, 0);
    expect(await store.current(key)).toBeNull();
  });

  it('a lease that is not renewed reads as a dead producer; an ended run never does; cancel stops renewal', async () => {
    open();
    const [dying, renewed, ended] = [newId(), newId(), newId()];
    for (const id of [dying, renewed, ended]) await store.create(id, TTL, { leaseMs: 150 });
    await store.end(ended, TTL);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await store.renewLease(renewed, 150)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await store.read(dying, 0, 1)).toMatchObject({ producerAlive: false });
    expect(await store.read(renewed, 0, 1)).toMatchObject({ producerAlive: true });
    expect(await store.read(ended, 0, 1)).toMatchObject({ producerAlive: true, ended: true });
    await store.cancel(renewed);
    expect(await store.renewLease(renewed, 150)).toBe(false);
  });

  it('end marks the stream complete once a reader has reached its last event', async () => {
    open();
    const id = newId();
    await store.create(id, TTL);
    await store.append(id, [ev(1), ev(2)], TTL);
    await store.end(id, TTL);
    expect(await store.read(id, 0, 1)).toMatchObject({ events: [ev(1)], ended: false });
    expect(await store.read(id, 0, 10)).toMatchObject({ events: [ev(1), ev(2)], ended: true });
    expect(await store.read(id, 2, 10)).toMatchObject({ events: [], ended: true, lastSeq: 2 });
  });

  it('wait resolves true on an append after the seq, false on timeout, false on abort', async () => {
    open();
    const id = newId();
    await store.create(id, TTL);
    const never = new AbortController();
    expect(await store.wait(id, 0, 30, never.signal)).toBe(false);

    const woken = store.wait(id, 0, 10_000, never.signal);
    await store.append(id, [ev(1)], TTL);
    expect(await woken).toBe(true);
    expect(await store.wait(id, 0, 10_000, never.signal)).toBe(true); // already there

    const aborted = new AbortController();
    const waiting = store.wait(id, 1, 10_000, aborted.signal);
    aborted.abort();
    expect(await waiting).toBe(false);
  });

  it('wait resolves true when the stream ends', async () => {
    open();
    const id = newId();
    await store.create(id, TTL);
    await store.append(id, [ev(1)], TTL);
    const woken = store.wait(id, 1, 10_000, new AbortController().signal);
    await store.end(id, TTL);
    expect(await woken).toBe(true);
  });

  it('many waiters on one stream all wake', async () => {
    open();
    const id = newId();
    await store.create(id, TTL);
    const signal = new AbortController().signal;
    const waiters = Array.from({ length: 5 }, () => store.wait(id, 0, 10_000, signal));
    await store.append(id, [ev(1)], TTL);
    expect(await Promise.all(waiters)).toEqual([true, true, true, true, true]);
  });

  it('expire(0) removes a stream; appending to it then rejects', async () => {
    open();
    const id = newId();
    await store.create(id, TTL);
    await store.expire(id, 0);
    expect(await store.exists(id)).toBe(false);
    await expect(store.append(id, [ev(1)], TTL)).rejects.toThrow(/no longer in the store/);
  });
});

describe('memoryStore bounds', () => {
  it('drops the oldest events beyond maxEventsPerStream and reports the gap through nextSeq', async () => {
    const store = memoryStore({ maxEventsPerStream: 3 });
    await store.create('s', TTL);
    for (let seq = 1; seq <= 10; seq++) await store.append('s', [ev(seq)], TTL);
    const result = await store.read('s', 0, 10);
    expect(result?.events.map((e) => e.seq)).toEqual([8, 9, 10]);
    expect(result?.nextSeq).toBe(8);
    expect((await store.read('s', 7, 10))?.nextSeq).toBe(8);
  });

  it('expires by its clock, refreshed by every write', async () => {
    let clock = 0;
    const store = memoryStore({ now: () => clock });
    await store.create('s', 100);
    clock = 90;
    await store.append('s', [ev(1)], 100);
    clock = 180;
    expect(await store.exists('s')).toBe(true);
    clock = 190;
    expect(await store.exists('s')).toBe(false);
    expect(await store.read('s', 0, 10)).toBeNull();
  });

  it('refuses a new stream when full of live ones, evicts the oldest ended one otherwise', async () => {
    const store = memoryStore({ maxStreams: 2 });
    expect(await store.create('a', TTL)).toBe(true);
    expect(await store.create('b', TTL)).toBe(true);
    expect(await store.create('c', TTL)).toBe(false);
    await store.end('b', TTL);
    expect(await store.create('c', TTL)).toBe(true);
    expect(await store.exists('a')).toBe(true);
    expect(await store.exists('b')).toBe(false);
  });
});

describe('redisStore specifics', () => {
  it('expires with the TTL given to the last write', async () => {
    const store = redisStore({ url: inject('redisUrl'), keyPrefix: 'test:ttl:' });
    try {
      await store.create('s', 60_000);
      await store.append('s', [ev(1)], 60_000);
      await store.end('s', 30);
      expect(await store.exists('s')).toBe(true);
      await expect.poll(() => store.exists('s'), { timeout: 3000, interval: 20 }).toBe(false);
      expect(await store.read('s', 0, 10)).toBeNull();
    } finally {
      await store.close();
    }
  });

  it('trims with MAXLEN ~ and reports the gap through nextSeq', async () => {
    const store = redisStore({ url: inject('redisUrl'), keyPrefix: 'test:trim:', maxEventsPerStream: 10 });
    try {
      await store.create('s', TTL);
      for (let seq = 1; seq <= 500; seq += 50) {
        await store.append('s', Array.from({ length: 50 }, (_, i) => ev(seq + i)), TTL);
      }
      const result = await store.read('s', 0, 1000);
      expect(result!.nextSeq).toBeGreaterThan(1);
      expect(result!.events[0].seq).toBe(result!.nextSeq);
      expect(result!.events[result!.events.length - 1].seq).toBe(500);
    } finally {
      await store.close();
    }
  });

  it('close wakes a waiter and releases its blocking connection', async () => {
    const store = redisStore({ url: inject('redisUrl'), keyPrefix: 'test:close:' });
    await store.create('s', TTL);
    const waiting = store.wait('s', 0, 60_000, new AbortController().signal);
    await store.close();
    expect(await waiting).toBe(true);
  });
});
