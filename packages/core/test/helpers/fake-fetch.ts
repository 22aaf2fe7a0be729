// A fetch that answers from a script: real Response objects with ReadableStream bodies, so the whole transport runs.

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal: AbortSignal | undefined;
}

export type Responder = (request: RecordedRequest, attempt: number) => Response | Promise<Response>;

export interface ScriptedFetch {
  fetch: typeof fetch;
  requests: RecordedRequest[];
}

export function scriptedFetch(responder: Responder): ScriptedFetch {
  const requests: RecordedRequest[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => (headers[name] = value));
    const request: RecordedRequest = {
      url: String(input),
      method: init.method ?? 'GET',
      headers,
      body: typeof init.body === 'string' ? init.body : undefined,
      signal: init.signal ?? undefined,
    };
    requests.push(request);
    if (init.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    return responder(request, requests.length);
  };
  return { fetch: fetchImpl as typeof fetch, requests };
}

export interface BodyScript {
  /** Byte chunks, sent in order. */
  chunks: Uint8Array[];
  /** After the chunks: end normally (default), error the stream (a network drop), or stay open. */
  end?: 'close' | 'error' | 'hang';
  /** Resolves once per chunk before it is sent (lets a test pace the stream). */
  before?: (index: number) => Promise<void> | void;
}

/** A body that honours the request's abort signal like a real one. */
export function streamBody(script: BodyScript, signal?: AbortSignal): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (index < script.chunks.length) {
        await script.before?.(index);
        if (signal?.aborted) return controller.error(new DOMException('aborted', 'AbortError'));
        controller.enqueue(script.chunks[index++]!);
        return;
      }
      if (script.end === 'error') return controller.error(new TypeError('network error: connection reset'));
      if (script.end === 'hang') {
        await new Promise<void>((resolve) => {
          if (signal?.aborted) return resolve();
          signal?.addEventListener('abort', () => resolve(), { once: true });
        });
        return controller.error(new DOMException('aborted', 'AbortError'));
      }
      controller.close();
    },
  });
}

export function streamResponse(
  script: BodyScript,
  init: { status?: number; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Response {
  return new Response(streamBody(script, init.signal), {
    status: init.status ?? 200,
    headers: init.headers ?? { 'content-type': 'text/event-stream' },
  });
}

const encoder = new TextEncoder();
export const bytes = (text: string): Uint8Array => encoder.encode(text);

/** Split bytes into pieces of `size`. */
export function chunkEvery(data: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}

/** Split bytes at random points (seeded, 1..maxSize bytes each). */
export function chunkRandomly(data: Uint8Array, seed: number, maxSize = 64): Uint8Array[] {
  const random = seededRandom(seed);
  const out: Uint8Array[] = [];
  for (let i = 0; i < data.length; ) {
    const size = 1 + Math.floor(random() * maxSize);
    out.push(data.subarray(i, i + size));
    i += size;
  }
  return out;
}

/** mulberry32: small, fast, deterministic. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An OpenAI Chat Completions stream of `words`, each a delta, optionally with SSE ids `1..n`. */
export function openAIChatStream(words: string[], options: { ids?: boolean; model?: string } = {}): string {
  const model = options.model ?? 'gpt-test';
  const chunk = (delta: object, finish: string | null = null) =>
    JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] });
  const events = [chunk({ role: 'assistant', content: '' }), ...words.map((w) => chunk({ content: w })), chunk({}, 'stop'), '[DONE]'];
  return events.map((data, i) => `${options.ids ? `id: ${i + 1}\n` : ''}data: ${data}\n\n`).join('');
}

/** Resolves once the controller's snapshot satisfies `ready` (checked on every notification). */
export function waitForSnapshot<S>(controller: { subscribe(l: () => void): () => void; getSnapshot(): S }, ready: (s: S) => boolean): Promise<S> {
  return new Promise((resolve) => {
    if (ready(controller.getSnapshot())) return resolve(controller.getSnapshot());
    const off = controller.subscribe(() => {
      const snapshot = controller.getSnapshot();
      if (!ready(snapshot)) return;
      off();
      resolve(snapshot);
    });
  });
}
