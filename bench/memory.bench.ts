// Memory:
//  1. Heap retained after a 5 MB answer streamed through createStream (and createChat): should be about the text itself.
//  2. A slow reader against the mock server: what the server holds for it (bounded buffer), against what an unbounded
//     server would have queued by then.
//
//   pnpm --filter bench exec node --expose-gc --import tsx memory.bench.ts

import { createMockStreamServer } from '../packages/mock-server/src/index';
import { createRelay, memoryStore } from '../packages/server/src/index';
import { createChat, createStream } from '../packages/core/src/index';
import { fakeFetch, joined, makeDeltasOfSize, openAIChatSSE, splitBytes } from './lib/fixtures';
import { assert, fmt, gc, markdownTable, writeResult } from './lib/stats';

assert(typeof (globalThis as { gc?: unknown }).gc === 'function', 'run with node --expose-gc');

const MB = 1024 * 1024;

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** JS heap bytes of a flat string: 1 byte per char if it is all Latin-1, else 2. */
function stringBytes(text: string): number {
  return /[^\u0000-\u00ff]/.test(text) ? text.length * 2 : text.length;
}

type Run = (fetchImpl: typeof fetch) => Promise<string>;

async function retainedAfter(name: string, run: Run) {
  const before = heapUsed();
  const deltas = makeDeltasOfSize(5 * MB);
  const expected = joined(deltas);
  const deltaCount = deltas.length;
  // The wire bytes are ArrayBuffers; everything else made here except `expected` is garbage before `after`.
  let chunks: Uint8Array[] | null = splitBytes(openAIChatSSE(deltas));
  deltas.length = 0;
  const start = heapUsed();
  let peak = 0;
  // The fake body never yields to timers, so the heap is sampled as the body is pulled.
  const fetchImpl = fakeFetch(chunks, {}, (index) => {
    if (index % 64 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
  });
  const text = await run(fetchImpl);
  chunks = null;
  const after = heapUsed();
  assert(text === expected, `${name}: wrong text (${text.length} chars, expected ${expected.length})`);
  // What the stream left behind: the heap now, minus the heap before anything was made, minus the reference copy.
  const retained = after - before - stringBytes(expected);
  return {
    contender: name,
    'answer chars': fmt(text.length),
    deltas: fmt(deltaCount),
    'answer in heap (flat string)': `${(stringBytes(text) / MB).toFixed(2)} MB`,
    'heap retained after gc': `${(retained / MB).toFixed(2)} MB`,
    'retained / text': (retained / stringBytes(text)).toFixed(2),
    'peak heap growth during stream': `${((peak - start) / MB).toFixed(1)} MB`,
    _retained: retained,
    _text: stringBytes(text),
    _keep: text,
  };
}

const heapRows = [];
let keep: unknown[] = [];
heapRows.push(
  await retainedAfter('baseline: eventsource-parser + JSON.parse, text joined once', async (fetchImpl) => {
    const { createParser } = await import('eventsource-parser');
    const parts: string[] = [];
    const parser = createParser({
      onEvent(event) {
        if (event.data === '[DONE]') return;
        const content = (JSON.parse(event.data) as { choices?: { delta?: { content?: string } }[] }).choices?.[0]?.delta?.content;
        if (content) parts.push(content);
      },
    });
    const response = await fetchImpl('http://bench.local/');
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
    const text = parts.join('');
    keep.push(text);
    return text;
  }),
);
keep = [];
heapRows.push(
  await retainedAfter('createStream', async (fetchImpl) => {
    const stream = createStream({ url: 'http://bench.local/v1/chat/completions', body: {}, fetch: fetchImpl, retry: false });
    const snapshot = await stream.start();
    keep.push(stream); // the controller and its final snapshot stay alive, as in an app showing the answer
    return snapshot.text;
  }),
);
keep = [];
heapRows.push(
  await retainedAfter('createChat', async (fetchImpl) => {
    const chat = createChat({ url: 'http://bench.local/v1/chat/completions', fetch: fetchImpl, retry: false });
    const snapshot = await chat.send('hi');
    keep.push(chat);
    return snapshot.messages[snapshot.messages.length - 1].text;
  }),
);
void keep;

// Slow reader: the mock server streams a long answer unthrottled; the client reads one chunk every 20 ms for 3 s.
const server = await createMockStreamServer().listen(0);
const slow = { tokens: 100_000, readEveryMs: 20, forMs: 3000 }; // 100k tokens: the mock's length limit
const response = await fetch(`${server.url}/v1/chat/completions`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'mock', stream: true, messages: [{ role: 'user', content: 'hi' }], mock: { length: slow.tokens } }),
});
assert(response.ok && response.body, `mock server answered ${response.status}`);
const reader = response.body.getReader();
const heapBefore = heapUsed();
let maxBuffered = 0;
let maxLog = 0;
let maxHeap = 0;
let read = 0;
const started = performance.now();
while (performance.now() - started < slow.forMs) {
  const { done, value } = await reader.read();
  if (done) break;
  read += value.byteLength;
  const stats = server.stats();
  maxBuffered = Math.max(maxBuffered, ...stats.connections.map((c) => c.bufferedBytes));
  maxLog = Math.max(maxLog, stats.logBytes);
  maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
  await new Promise((resolve) => setTimeout(resolve, slow.readEveryMs));
}
const written = Math.max(0, ...server.stats().connections.map((c) => c.bytesWritten));
await reader.cancel();
await server.close();
// What an unbounded server would hold: the whole answer is generated at once (~180 bytes per token event).
const unboundedEstimate = slow.tokens * 180;
const slowRows = [
  {
    'answer (tokens)': fmt(slow.tokens),
    'client read in 3 s': `${(read / 1024).toFixed(0)} KB`,
    'server wrote to socket': `${(written / 1024).toFixed(0)} KB`,
    'max bytes buffered for the client': `${(maxBuffered / 1024).toFixed(1)} KB`,
    'max resume log (bounded at 4 MB)': `${(maxLog / 1024).toFixed(0)} KB`,
    'heap growth (client + server process)': `${((maxHeap - heapBefore) / MB).toFixed(1)} MB`,
    'unbounded server would queue': `~${(unboundedEstimate / MB).toFixed(0)} MB`,
  },
];

// Slow reader through the relay: an upstream that produces as fast as it is read, a client that reads one chunk every
// 20 ms. The relay consumes its upstream at full speed (so a later resume finds every event): its store holds the
// events (capped per stream; set above the answer here), while each client's own buffer stays bounded.
const relayHeapBefore = heapUsed();
const relay = createRelay({ store: memoryStore({ maxEventsPerStream: 250_000 }), heartbeatMs: 60_000 });
const upstreamEvents = 200_000;
let produced = 0;
const encoder = new TextEncoder();
const eventBytes = encoder.encode(
  'data: {"id":"chatcmpl-relay","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":" token"},"finish_reason":null}]}\n\n',
);
const relayResponse = await relay.handle(new Request('http://bench.local/chat', { method: 'POST', body: '{}' }), {
  upstream: async (signal) =>
    new Response(
      new ReadableStream<Uint8Array>({
        pull(controller) {
          if (signal.aborted || produced >= upstreamEvents) return controller.close();
          for (let i = 0; i < 64 && produced < upstreamEvents; i++, produced++) controller.enqueue(eventBytes);
        },
      }),
      { headers: { 'content-type': 'text/event-stream' } },
    ),
});
assert(relayResponse.body, `relay answered ${relayResponse.status} without a body`);
const relayReader = relayResponse.body.getReader();
let relayRead = 0;
let relayMaxClientBuffered = 0;
let relayMaxHeap = 0;
const relayStarted = performance.now();
while (performance.now() - relayStarted < slow.forMs) {
  const { done, value } = await relayReader.read();
  if (done) break;
  relayRead += value.byteLength;
  relayMaxClientBuffered = Math.max(relayMaxClientBuffered, relay.stats().maxClientBufferedBytes);
  relayMaxHeap = Math.max(relayMaxHeap, process.memoryUsage().heapUsed);
  await new Promise((resolve) => setTimeout(resolve, slow.readEveryMs));
}
await relayReader.cancel();
const relayProducedAtEnd = produced;
await relay.close();
const relayRows = [
  {
    'upstream events produced in 3 s': fmt(relayProducedAtEnd),
    'client read in 3 s': `${(relayRead / 1024).toFixed(0)} KB`,
    'upstream bytes produced': `${((relayProducedAtEnd * eventBytes.byteLength) / MB).toFixed(1)} MB`,
    'max bytes buffered for the client': `${(relayMaxClientBuffered / 1024).toFixed(1)} KB`,
    'heap growth (store + client)': `${((relayMaxHeap - relayHeapBefore) / MB).toFixed(1)} MB`,
    'store bound': 'maxEventsPerStream (250,000 here; default 10,000)',
  },
];

const shown = heapRows.map(({ _retained, _text, _keep, ...row }) => {
  void _retained;
  void _text;
  void _keep;
  return row;
});
console.table(shown);
console.table(slowRows);
console.table(relayRows);

writeResult('memory', {
  title: 'Memory',
  markdown: [
    'Heap retained (after forced GC) while holding the final snapshot of a 5 MB answer (OpenAI SSE, deltas of ~50 chars), beyond the heap before the stream (which already held the expected text for the check):',
    '',
    markdownTable(shown),
    '',
    'Slow reader against the mock server (same Node process; unthrottled producer):',
    '',
    markdownTable(slowRows),
    '',
    'The server already wrote more than the client read: the difference sits in the loopback socket buffers and the client\'s',
    'fetch, not in the server process (its own per-connection buffer is the column above).',
    '',
    'Slow reader through the relay (@tokenstream/server, in-process Request/Response, upstream unthrottled, memoryStore):',
    '',
    markdownTable(relayRows),
  ].join('\n'),
  figures: {
    retainedRatio: Number((heapRows[1]._retained / heapRows[1]._text).toFixed(2)),
    retainedMB: Number((heapRows[1]._retained / MB).toFixed(2)),
    baselineRatio: Number((heapRows[0]._retained / heapRows[0]._text).toFixed(2)),
    slowReaderBufferedKB: Number((maxBuffered / 1024).toFixed(1)),
    relayClientBufferedKB: Number((relayMaxClientBuffered / 1024).toFixed(1)),
  },
});
