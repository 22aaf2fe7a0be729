// Throughput: one answer of N text deltas, identical bytes in seeded random 1..4096-byte chunks, through
//   (a) @microsoft/fetch-event-source's own parser (getBytes/getLines/getMessages) + JSON.parse   — the floor
//   (b) eventsource-parser 3 + JSON.parse
//   (c) AI SDK 5 `Chat` (@ai-sdk/react) end to end over its UI message stream of the same deltas
//   (d) createStream end to end (fake fetch, ReadableStream body, OpenAI Chat SSE)
//   (e) createChat end to end (same bytes)
// Every contender must produce exactly the answer text, or the bench fails.
//
//   pnpm --filter bench exec node --expose-gc --import tsx throughput.bench.ts [--quick]

import { Chat } from '@ai-sdk/react';
import { getBytes, getLines, getMessages } from '@microsoft/fetch-event-source/lib/esm/parse.js';
import { DefaultChatTransport } from 'ai';
import { createParser } from 'eventsource-parser';
import { createChat, createStream } from '../packages/core/src/index';
import { aiSdkUIMessageSSE, bodyOf, fakeFetch, joined, makeDeltas, openAIChatSSE, splitBytes } from './lib/fixtures';
import { assert, fmt, loadNote, markdownTable, medianTiming, writeResult } from './lib/stats';

const quick = process.argv.includes('--quick');
const SIZES = quick ? [10_000, 20_000] : [10_000, 20_000, 40_000, 50_000];
const RUNS = quick ? 3 : 5;
/** The AI SDK path is much slower per run; fewer runs keep the whole bench within its time budget. */
const AI_SDK_RUNS = quick ? 1 : 3;
/** The AI SDK path is quadratic (over 20 s per run from 40k deltas on this machine): larger sizes only with --full. */
const AI_SDK_MAX = process.argv.includes('--full') ? Number.POSITIVE_INFINITY : 20_000;

interface OpenAIChunk {
  choices?: { delta?: { content?: string } }[];
}

function contentOf(data: string): string | undefined {
  if (data === '[DONE]') return undefined;
  const chunk = JSON.parse(data) as OpenAIChunk;
  return chunk.choices?.[0]?.delta?.content ?? undefined;
}

async function viaFetchEventSourceParser(chunks: readonly Uint8Array[]): Promise<string> {
  const text: string[] = [];
  const onLine = getMessages(
    () => undefined,
    () => undefined,
    (message) => {
      const content = contentOf(message.data);
      if (content) text.push(content);
    },
  );
  await getBytes(bodyOf(chunks), getLines(onLine));
  return text.join('');
}

async function viaEventsourceParser(chunks: readonly Uint8Array[]): Promise<string> {
  const text: string[] = [];
  const parser = createParser({
    onEvent(event) {
      const content = contentOf(event.data);
      if (content) text.push(content);
    },
  });
  const decoder = new TextDecoder();
  const reader = bodyOf(chunks).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  parser.feed(decoder.decode());
  return text.join('');
}

async function viaAiSdkChat(chunks: readonly Uint8Array[]): Promise<string> {
  const chat = new Chat({
    transport: new DefaultChatTransport({
      api: 'http://bench.local/api/chat',
      fetch: fakeFetch(chunks, { 'x-vercel-ai-ui-message-stream': 'v1' }),
    }),
  });
  let notifications = 0;
  const unsubscribe = chat['~registerMessagesCallback'](() => notifications++);
  await chat.sendMessage({ text: 'hi' });
  unsubscribe();
  assert(chat.status === 'ready', `AI SDK chat ended with status ${chat.status}: ${String(chat.error)}`);
  const last = chat.messages[chat.messages.length - 1];
  return last.parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

async function viaCreateStream(chunks: readonly Uint8Array[]): Promise<string> {
  const stream = createStream({ url: 'http://bench.local/v1/chat/completions', body: { stream: true }, fetch: fakeFetch(chunks), retry: false });
  let notifications = 0;
  const unsubscribe = stream.subscribe(() => notifications++);
  const snapshot = await stream.start();
  unsubscribe();
  assert(snapshot.status === 'done', `createStream ended with status ${snapshot.status}: ${snapshot.error?.message}`);
  return snapshot.text;
}

async function viaCreateChat(chunks: readonly Uint8Array[]): Promise<string> {
  const chat = createChat({ url: 'http://bench.local/v1/chat/completions', model: 'gpt-4o-mini', fetch: fakeFetch(chunks), retry: false });
  let notifications = 0;
  const unsubscribe = chat.subscribe(() => notifications++);
  const snapshot = await chat.send('hi');
  unsubscribe();
  assert(snapshot.status === 'done', `createChat ended with status ${snapshot.status}: ${snapshot.error?.message}`);
  return snapshot.messages[snapshot.messages.length - 1].text;
}

interface Contender {
  name: string;
  wire: 'openai' | 'ai-sdk';
  runs: number;
  run(chunks: readonly Uint8Array[]): Promise<string>;
}

const CONTENDERS: Contender[] = [
  { name: '(a) fetch-event-source parser + JSON.parse (floor)', wire: 'openai', runs: RUNS, run: viaFetchEventSourceParser },
  { name: '(b) eventsource-parser 3 + JSON.parse', wire: 'openai', runs: RUNS, run: viaEventsourceParser },
  { name: '(c) AI SDK 5 Chat (@ai-sdk/react), end to end', wire: 'ai-sdk', runs: AI_SDK_RUNS, run: viaAiSdkChat },
  { name: '(d) tokenstream createStream, end to end', wire: 'openai', runs: RUNS, run: viaCreateStream },
  { name: '(e) tokenstream createChat, end to end', wire: 'openai', runs: RUNS, run: viaCreateChat },
];

// JIT warm-up of every contender before anything is timed (the first sizes would otherwise pay for compilation).
{
  const deltas = makeDeltas(SIZES[0], 99);
  const wires = { openai: splitBytes(openAIChatSSE(deltas), 99), 'ai-sdk': splitBytes(aiSdkUIMessageSSE(deltas), 99) };
  for (const contender of CONTENDERS) for (let i = 0; i < (contender.wire === 'ai-sdk' ? 1 : 3); i++) await contender.run(wires[contender.wire]);
}

const deltasPerSecond = new Map<string, number>(); // `${name}@${n}`
const rows: Record<string, string>[] = [];

for (const n of SIZES) {
  const deltas = makeDeltas(n);
  const expected = joined(deltas);
  const wires = { openai: splitBytes(openAIChatSSE(deltas)), 'ai-sdk': splitBytes(aiSdkUIMessageSSE(deltas)) };
  for (const contender of CONTENDERS) {
    const chunks = wires[contender.wire];
    // Every run is timed; the first one's text is also checked against the answer.
    if (contender.wire === 'ai-sdk' && n > AI_SDK_MAX) {
      rows.push({ contender: contender.name, deltas: fmt(n), 'wire bytes': '', chunks: '', runs: '0', 'median CPU ms': 'not run (quadratic; --full)', 'median wall ms': '', 'deltas/s (CPU)': '', 'vs floor': '' });
      continue;
    }
    const runs = contender.wire === 'ai-sdk' && n >= 40_000 ? 1 : contender.runs;
    let checked = false;
    const { cpuMs: ms, wallMs } = await medianTiming(runs, async () => {
      const text = await contender.run(chunks);
      if (checked) return;
      assert(text === expected, `${contender.name} at ${n} deltas produced ${text.length} chars, expected ${expected.length}`);
      checked = true;
    });
    const rate = n / (ms / 1000);
    deltasPerSecond.set(`${contender.name}@${n}`, rate);
    const floor = deltasPerSecond.get(`${CONTENDERS[0].name}@${n}`) ?? rate;
    const bytes = chunks.reduce((sum, c) => sum + c.byteLength, 0);
    rows.push({
      contender: contender.name,
      deltas: fmt(n),
      'wire bytes': fmt(bytes),
      chunks: fmt(chunks.length),
      runs: String(runs),
      'median CPU ms': fmt(ms, 1),
      'median wall ms': fmt(wallMs, 1),
      'deltas/s (CPU)': fmt(rate),
      'vs floor': `${(rate / floor).toFixed(2)}x`,
    });
    process.stdout.write('.');
  }
}
process.stdout.write('\n');

const first = SIZES[0];
const maxGrowth = SIZES.includes(40_000) ? 40_000 : SIZES[SIZES.length - 1];
const growthRows = CONTENDERS.map((c) => {
  const growthTo = c.wire === 'ai-sdk' ? Math.min(AI_SDK_MAX, maxGrowth) : maxGrowth;
  const a = deltasPerSecond.get(`${c.name}@${first}`) ?? NaN;
  const b = deltasPerSecond.get(`${c.name}@${growthTo}`) ?? NaN;
  // Time ratio when the stream grows k-fold: k for linear work, k^2 for quadratic; the exponent says which.
  const k = growthTo / first;
  const timeRatio = (growthTo / b) / (first / a);
  const exponent = Math.log(timeRatio) / Math.log(k);
  const verdict = exponent < 1.25 ? 'linear' : exponent < 1.7 ? 'super-linear' : 'quadratic';
  return {
    contender: c.name,
    sizes: `${fmt(first)} -> ${fmt(growthTo)} deltas`,
    'time ratio': `${timeRatio.toFixed(2)}x (linear = ${k}x, quadratic = ${k * k}x)`,
    'growth exponent': exponent.toFixed(2),
    verdict,
  };
});

const big = SIZES.includes(50_000) ? 50_000 : SIZES[SIZES.length - 1];
const streamRate = deltasPerSecond.get(`${CONTENDERS[3].name}@${big}`) ?? NaN;
const floorRate = deltasPerSecond.get(`${CONTENDERS[0].name}@${big}`) ?? NaN;
const aiSize = Math.min(big, AI_SDK_MAX);
const aiRate = deltasPerSecond.get(`${CONTENDERS[2].name}@${aiSize}`) ?? NaN;
const chatRate = deltasPerSecond.get(`${CONTENDERS[4].name}@${big}`) ?? NaN;
const headline =
  `createStream deltas/s on a ${fmt(big)}-delta OpenAI stream vs raw fetch-event-source parser: ` +
  `${fmt(streamRate)} vs ${fmt(floorRate)} deltas/s (${(streamRate / floorRate).toFixed(2)}x the floor); ` +
  `createChat: ${fmt(chatRate)} deltas/s; AI SDK 5 Chat: ${fmt(aiRate)} deltas/s at ${fmt(aiSize)} deltas`;

console.table(rows);
console.table(growthRows);
console.log(headline);

writeResult('throughput', {
  title: 'Throughput (text deltas through the whole client stack)',
  markdown: [
    markdownTable(rows),
    '',
    markdownTable(growthRows),
    '',
    `**${headline}**`,
    '',
    'Same seeded answer for every contender; (a), (b), (d), (e) read the same OpenAI Chat SSE bytes, (c) reads the AI SDK 5 UI',
    'message stream of the same deltas; all bytes cut at the same seeded random points (1–4096 bytes). (d)/(e) include request',
    'building, content-type detection, provider adapter, accumulation and frame-batched snapshots with one subscriber; (c)',
    'includes its chunk validation and message state updates with one messages subscriber (no React render in this table).',
    `Rates are deltas per CPU second of the bench process (median of the runs); wall times are shown for reference (${loadNote()} at the end of the run).`,
  ].join('\n'),
  figures: {
    n: big,
    createStream: Math.round(streamRate),
    floor: Math.round(floorRate),
    aiSdk: Math.round(aiRate),
    aiSdkSize: aiSize,
    createChat: Math.round(chatRate),
    eventsourceParser: Math.round(deltasPerSecond.get(`${CONTENDERS[1].name}@${big}`) ?? NaN),
  },
});
