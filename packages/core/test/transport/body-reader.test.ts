import { afterEach, describe, expect, it, vi } from 'vitest';
import { bytes, chunkEvery, pulledBody } from '@tokenstream/test-utils';
import { StreamError } from '../../src/errors';
import { BodyEventReader, type BodyReaderOptions } from '../../src/transport/body-reader';
import type { FramedEvent } from '../../src/wire/framing';

const LIMIT = 1024;

const bodyOf = (chunks: Uint8Array[]) => pulledBody((i) => chunks[i] ?? null).body;

function open(body: ReadableStream<Uint8Array>, options: Partial<BodyReaderOptions> = {}): BodyEventReader {
  return new BodyEventReader(body, { framing: 'sse', maxEventChars: LIMIT, recognizes: () => true, ...options });
}

/** Reads to the end or the first failure: the events handed over, and the failure. */
async function readAll(reader: BodyEventReader): Promise<{ events: FramedEvent[]; error: unknown }> {
  const events: FramedEvent[] = [];
  try {
    for (let batch = await reader.next(); batch !== null; batch = await reader.next()) events.push(...batch);
  } catch (error) {
    return { events, error };
  } finally {
    reader.release();
  }
  return { events, error: null };
}

const dataOf = (events: FramedEvent[]) => events.map((e) => e.event.data);
const isOverflow = (error: unknown) => error instanceof StreamError && error.kind === 'overflow';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('BodyEventReader: lines are bounded in bytes before they are decoded', () => {
  it('an endless SSE line sent a byte at a time is an overflow once it passes the limit, and the body is cancelled', async () => {
    // 'é' (C3 A9) cut into single bytes: counted in bytes, not in the characters they decode to.
    const { body, source } = pulledBody((i) => (i === 0 ? bytes('data: ') : new Uint8Array([i % 2 === 1 ? 0xc3 : 0xa9])));
    const { events, error } = await readAll(open(body));
    expect(isOverflow(error)).toBe(true);
    expect((error as StreamError).message).toBe(`An event or line exceeded maxEventBytes (${LIMIT})`);
    expect(events).toEqual([]);
    expect(source.pulledBytes).toBe(LIMIT + 1);
    expect(source.cancelled).toBe(true);
  });

  it('an endless line in 64 KiB chunks is refused after one chunk, decoding at most the complete lines before it', async () => {
    const decode = vi.spyOn(TextDecoder.prototype, 'decode');
    const big = new Uint8Array(64 * 1024).fill(0x78);
    const { body, source } = pulledBody((i) => (i === 0 ? bytes('data: kept\n\ndata: ') : big));
    const { events, error } = await readAll(open(body, { maxEventChars: 256 * 1024 }));
    expect(isOverflow(error)).toBe(true);
    expect(dataOf(events)).toEqual(['kept']);
    // Five 64 KiB chunks pass 256 KiB: nothing more is pulled, and what was decoded is at most the limit.
    expect(source.pulledBytes).toBeLessThanOrEqual(16 + 5 * 64 * 1024);
    const decoded = decode.mock.calls.reduce((sum, [input]) => sum + ((input as Uint8Array | undefined)?.byteLength ?? 0), 0);
    expect(decoded).toBeLessThanOrEqual(256 * 1024 + 16);
  });

  it('one huge chunk without a line break is refused without decoding it; the events before it are handed over first', async () => {
    const decode = vi.spyOn(TextDecoder.prototype, 'decode');
    const huge = new Uint8Array(8 * 1024 * 1024).fill(0x78);
    const head = bytes('data: one\n\ndata: two\n\ndata: ');
    const chunk = new Uint8Array(head.byteLength + huge.byteLength);
    chunk.set(head);
    chunk.set(huge, head.byteLength);
    const reader = open(bodyOf([chunk]));
    expect(dataOf((await reader.next())!)).toEqual(['one', 'two']);
    await expect(reader.next()).rejects.toMatchObject({ kind: 'overflow' });
    const decoded = decode.mock.calls.reduce((sum, [input]) => sum + ((input as Uint8Array | undefined)?.byteLength ?? 0), 0);
    expect(decoded).toBe('data: one\n\ndata: two\n\n'.length);
    reader.release();
  });

  it('a line of exactly the limit passes, in any chunking; one byte more is an overflow', async () => {
    const line = (size: number) => `data: ${'y'.repeat(size - 'data: '.length)}`;
    for (const size of [1, 7, 100, 4096]) {
      const ok = await readAll(open(bodyOf(chunkEvery(bytes(`${line(LIMIT)}\n\n`), size))));
      expect(ok.error).toBeNull();
      expect(dataOf(ok.events)).toEqual(['y'.repeat(LIMIT - 6)]);
      const over = await readAll(open(bodyOf(chunkEvery(bytes(`${line(LIMIT + 1)}\n\n`), size))));
      expect(isOverflow(over.error)).toBe(true);
    }
  });

  it('counts multi-byte characters in bytes, also when one is cut across chunks', async () => {
    // 'é' is 2 bytes: 600 of them fit 1024 characters but not 1024 bytes.
    const over = await readAll(open(bodyOf(chunkEvery(bytes(`data: ${'é'.repeat(600)}\n\n`), 33))));
    expect(isOverflow(over.error)).toBe(true);
    const ok = await readAll(open(bodyOf(chunkEvery(bytes(`data: ${'é'.repeat(500)}\n\n`), 33))));
    expect(dataOf(ok.events)).toEqual(['é'.repeat(500)]);
  });

  it('CRLF split across chunks, and CR-only line ends, end a line: long lines near the limit pass', async () => {
    const long = `data: ${'z'.repeat(LIMIT - 7)}`; // LIMIT - 1 bytes
    const crlf = bytes(`${long}\r\n\r\n${long}\r\n\r\n`);
    // Cut right after a CR: the LF that completes the pair arrives first in the next chunk.
    const cut = crlf.indexOf(13) + 1;
    const ok = await readAll(open(bodyOf([crlf.subarray(0, cut), crlf.subarray(cut)])));
    expect(ok.error).toBeNull();
    expect(dataOf(ok.events)).toEqual(['z'.repeat(LIMIT - 7), 'z'.repeat(LIMIT - 7)]);
    expect(ok.events).toHaveLength(2);
    const crOnly = await readAll(open(bodyOf(chunkEvery(bytes(`${long}\r\r${long}\r\r`), 300))));
    expect(crOnly.error).toBeNull();
    expect(crOnly.events).toHaveLength(2);
  });

  it('many lines in one chunk are bounded one by one: only the last, unfinished one counts', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => `data: ${String(i).padStart(900, '0')}\n\n`).join('');
    const ok = await readAll(open(bodyOf([bytes(lines)])));
    expect(ok.error).toBeNull();
    expect(ok.events).toHaveLength(50);
  });

  it('an endless NDJSON line is an overflow too', async () => {
    const { body } = pulledBody((i) => (i === 0 ? bytes('{"done":false}\n{"a":"') : bytes('x'.repeat(100))));
    const { events, error } = await readAll(open(body, { framing: 'ndjson' }));
    expect(isOverflow(error)).toBe(true);
    expect(dataOf(events)).toEqual(['{"done":false}']);
  });

  it('while sniffing: an endless first line sent a byte at a time is an overflow, not held', async () => {
    for (const framing of ['sniff', 'json'] as const) {
      const { body, source } = pulledBody((i) => (i === 0 ? bytes('{"a":"') : bytes('x')));
      const { error } = await readAll(open(body, { framing }));
      expect(isOverflow(error)).toBe(true);
      expect(source.pulledBytes).toBe(LIMIT + 1);
    }
  });

  it('text is not cut into lines: a long unbroken text body passes in chunks under the limit', async () => {
    const text = 'w'.repeat(LIMIT * 8);
    const { events, error } = await readAll(open(bodyOf(chunkEvery(bytes(text), 512)), { framing: 'text' }));
    expect(error).toBeNull();
    expect(dataOf(events).join('')).toBe(text);
  });
});

describe('BodyEventReader: events', () => {
  it('an event of several lines is bounded by the framer in characters', async () => {
    const line = `data: ${'a'.repeat(600)}\n`;
    const { events, error } = await readAll(open(bodyOf([bytes(`data: first\n\n${line}${line}\ndata: never\n\n`)])));
    expect(isOverflow(error)).toBe(true);
    expect(dataOf(events)).toEqual(['first']);
  });

  it('an event of several lines within the limit passes', async () => {
    const line = `data: ${'a'.repeat(400)}\n`;
    const { events, error } = await readAll(open(bodyOf([bytes(`${line}${line}\n`)])));
    expect(error).toBeNull();
    expect(dataOf(events)).toEqual([`${'a'.repeat(400)}\n${'a'.repeat(400)}`]);
  });
});

describe('BodyEventReader: ends and failures', () => {
  it('a body that ends mid-event is not a clean end; one that ends between events is', async () => {
    const cut = open(bodyOf([bytes('data: a\n\ndata: b')]));
    expect(dataOf((await readAll(cut)).events)).toEqual(['a']);
    expect(cut.cleanEnd).toBe(false);
    const whole = open(bodyOf([bytes('data: a\n\n')]));
    await readAll(whole);
    expect(whole.cleanEnd).toBe(true);
  });

  it('a read failure is a network StreamError carrying the read error as its cause', async () => {
    const cause = new Error('socket hang up');
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulls++ === 0) controller.enqueue(bytes('data: a\n\n'));
        else controller.error(cause);
      },
    }, { highWaterMark: 0 });
    const { events, error } = await readAll(open(body));
    expect(dataOf(events)).toEqual(['a']);
    expect(error).toMatchObject({ kind: 'network', code: 'dropped', cause });
  });

  it('the failure is thrown again by later calls, and the body is cancelled on release', async () => {
    const { body, source } = pulledBody((i) => (i === 0 ? bytes('data: ') : bytes('x'.repeat(LIMIT))));
    const reader = open(body);
    await expect(reader.next()).resolves.toEqual([]);
    await expect(reader.next()).rejects.toMatchObject({ kind: 'overflow' });
    await expect(reader.next()).rejects.toMatchObject({ kind: 'overflow' });
    reader.release();
    expect(source.cancelled).toBe(true);
  });

  it('sniffs the framing when the content type left it open, and reads without the optional callbacks', async () => {
    const sse = open(bodyOf([bytes('data: a\n\n')]), { framing: 'sniff' });
    expect(dataOf((await readAll(sse)).events)).toEqual(['a']);
    expect(sse.framing).toBe('sse');
    const ndjson = open(bodyOf([bytes('{"x":1}\n{"x":2}\n')]), { framing: 'json' });
    expect(dataOf((await readAll(ndjson)).events)).toEqual(['{"x":1}', '{"x":2}']);
    expect(ndjson.framing).toBe('ndjson');
  });
});
