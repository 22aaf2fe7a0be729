// The streams every throughput/memory/render bench replays: one answer of N text deltas, written as OpenAI Chat
// Completions SSE (what createStream and the raw parsers read) and as the AI SDK 5 UI message stream (what its
// DefaultChatTransport reads), then split into seeded random 1..4096-byte chunks so every contender sees the same cuts.

import { chunkRandomly, seededRandom } from '@tokenstream/test-utils';

const encoder = new TextEncoder();

const WORDS = ['the', 'stream', 'token', 'model', 'answer', 'of', 'a', 'is', 'naïve', 'café', '"quoted"', 'line\n', 'tab\t', '☃', 'JSON', 'fast'];

/** N token-sized text deltas (1-2 words, average ~5 characters, some needing JSON escapes or multi-byte UTF-8). */
export function makeDeltas(count: number, seed = 1): string[] {
  const random = seededRandom(seed);
  const deltas: string[] = [];
  for (let i = 0; i < count; i++) {
    const word = WORDS[Math.floor(random() * WORDS.length)];
    deltas.push(i === 0 ? word : ` ${word}`);
  }
  return deltas;
}

/** Deltas of about `perDelta` characters whose joined text is about `bytes` long (for the memory bench). */
export function makeDeltasOfSize(bytes: number, perDelta = 50, seed = 2): string[] {
  const words = makeDeltas(Math.ceil(bytes / 5), seed);
  const deltas: string[] = [];
  let current = '';
  for (const word of words) {
    current += word;
    if (current.length >= perDelta) {
      deltas.push(current);
      current = '';
    }
  }
  if (current) deltas.push(current);
  return deltas;
}

/**
 * One answer text of exactly `chars` UTF-16 units (for the one-huge-event case): seeded words repeated, since
 * building millions of separate deltas would cost more memory than the stream itself. Every word is in the Basic
 * Multilingual Plane, so the cut at `chars` never splits a surrogate pair.
 */
export function longText(chars: number, seed = 3): string {
  const block = makeDeltas(50_000, seed).join('');
  return block.repeat(Math.ceil(chars / block.length)).slice(0, chars);
}

export function openAIChatSSE(deltas: readonly string[]): string {
  const head = '{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":';
  const parts: string[] = [`data: ${head}{"role":"assistant","content":""},"finish_reason":null}]}\n\n`];
  for (const delta of deltas) {
    parts.push(`data: ${head}{"content":${JSON.stringify(delta)}},"finish_reason":null}]}\n\n`);
  }
  parts.push(`data: ${head}{},"finish_reason":"stop"}]}\n\n`);
  parts.push(
    'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[],' +
      `"usage":{"prompt_tokens":12,"completion_tokens":${deltas.length},"total_tokens":${deltas.length + 12}}}\n\n`,
  );
  parts.push('data: [DONE]\n\n');
  return parts.join('');
}

/** AI SDK 5 UI message stream (SSE of JSON chunks, `x-vercel-ai-ui-message-stream: v1`), as streamText().toUIMessageStreamResponse() writes it. */
export function aiSdkUIMessageSSE(deltas: readonly string[]): string {
  const parts: string[] = [
    'data: {"type":"start","messageId":"msg-bench"}\n\n',
    'data: {"type":"start-step"}\n\n',
    'data: {"type":"text-start","id":"0"}\n\n',
  ];
  for (const delta of deltas) parts.push(`data: {"type":"text-delta","id":"0","delta":${JSON.stringify(delta)}}\n\n`);
  parts.push('data: {"type":"text-end","id":"0"}\n\n', 'data: {"type":"finish-step"}\n\n', 'data: {"type":"finish"}\n\n', 'data: [DONE]\n\n');
  return parts.join('');
}

/** The same bytes cut at seeded random points, 1..maxChunk bytes each (cuts fall inside UTF-8 sequences too). */
export function splitBytes(text: string, seed = 7, maxChunk = 4096): Uint8Array[] {
  return chunkRandomly(encoder.encode(text), seed, maxChunk);
}

/** A body that hands out one chunk per pull; `onPull(i)` runs before chunk i (the memory bench samples the heap there). */
export function bodyOf(chunks: readonly Uint8Array[], onPull?: (index: number) => void): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      onPull?.(index);
      if (index < chunks.length) controller.enqueue(chunks[index++]);
      else controller.close();
    },
  });
}

/** A fetch that answers every request with the given chunks as an event stream (a new body each call). */
export function fakeFetch(
  chunks: readonly Uint8Array[],
  headers: Record<string, string> = {},
  onPull?: (index: number) => void,
): typeof fetch {
  // The reply does not depend on the request: every contender builds its own request body.
  return async () => {
    return new Response(bodyOf(chunks, onPull), {
      status: 200,
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers },
    });
  };
}

export function joined(deltas: readonly string[]): string {
  return deltas.join('');
}
