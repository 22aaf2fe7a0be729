// Hand-written provider stream bodies (per the OpenAI Chat Completions and Anthropic Messages streaming
// formats) and a fake fetch that replays one scripted response per request, recording every request body.

export interface ScriptedCall {
  id: string;
  name: string;
  /** The JSON arguments, streamed in two fragments. */
  args: string;
}

export interface ScriptedTurn {
  text?: string[];
  calls?: ScriptedCall[];
  usage?: { input: number; output: number };
}

/** A response body part: bytes to send, or a promise the body waits for before going on. */
export type BodyPart = string | Promise<unknown>;

const sse = (data: unknown, event?: string) =>
  `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

function splitInTwo(text: string): [string, string] {
  const middle = Math.ceil(text.length / 2);
  return [text.slice(0, middle), text.slice(middle)];
}

/** OpenAI Chat Completions SSE: one `data:` chunk per delta, usage chunk, then `[DONE]`. */
export function openAIChatStream(turn: ScriptedTurn, options: { model?: string } = {}): string[] {
  const base = { id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 1_700_000_000, model: options.model ?? 'gpt-test' };
  const chunk = (delta: object, finish: string | null = null) =>
    sse({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  const parts = [chunk({ role: 'assistant', content: '', refusal: null })];
  for (const text of turn.text ?? []) parts.push(chunk({ content: text }));
  (turn.calls ?? []).forEach((call, index) => {
    const [head, tail] = splitInTwo(call.args);
    parts.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }));
    parts.push(chunk({ tool_calls: [{ index, function: { arguments: head } }] }));
    parts.push(chunk({ tool_calls: [{ index, function: { arguments: tail } }] }));
  });
  parts.push(chunk({}, turn.calls?.length ? 'tool_calls' : 'stop'));
  const usage = turn.usage ?? { input: 10, output: 5 };
  parts.push(
    sse({ ...base, choices: [], usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output } }),
  );
  parts.push(sse('[DONE]'));
  return parts;
}

/** Anthropic Messages SSE: message_start, one content block per text/tool_use, message_delta, message_stop. */
export function anthropicStream(turn: ScriptedTurn, options: { model?: string } = {}): string[] {
  const usage = turn.usage ?? { input: 10, output: 5 };
  const parts = [
    sse(
      {
        type: 'message_start',
        message: {
          id: 'msg_test',
          type: 'message',
          role: 'assistant',
          content: [],
          model: options.model ?? 'claude-test',
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: usage.input, output_tokens: 1 },
        },
      },
      'message_start',
    ),
  ];
  let index = 0;
  if (turn.text?.length) {
    parts.push(sse({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }, 'content_block_start'));
    for (const text of turn.text) {
      parts.push(sse({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } }, 'content_block_delta'));
    }
    parts.push(sse({ type: 'content_block_stop', index }, 'content_block_stop'));
    index++;
  }
  for (const call of turn.calls ?? []) {
    parts.push(
      sse({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} } }, 'content_block_start'),
    );
    for (const fragment of splitInTwo(call.args)) {
      parts.push(
        sse({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: fragment } }, 'content_block_delta'),
      );
    }
    parts.push(sse({ type: 'content_block_stop', index }, 'content_block_stop'));
    index++;
  }
  parts.push(
    sse(
      {
        type: 'message_delta',
        delta: { stop_reason: turn.calls?.length ? 'tool_use' : 'end_turn', stop_sequence: null },
        usage: { output_tokens: usage.output },
      },
      'message_delta',
    ),
  );
  parts.push(sse({ type: 'message_stop' }, 'message_stop'));
  return parts;
}

export interface FakeFetch {
  fetch: typeof fetch;
  /** Parsed JSON body of every request, in call order. */
  bodies: unknown[];
  /** Requests whose response body has not ended yet. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Resolves when the nth request (1-based) has been made. */
  requested(n: number): Promise<void>;
}

/**
 * A fetch whose nth call answers with `respond(n, body)`: SSE parts streamed in order, waiting on the
 * promises among them. Aborting the request errors the body, as a real fetch does.
 */
export function createFakeFetch(respond: (call: number, body: unknown) => BodyPart[]): FakeFetch {
  const bodies: unknown[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const encoder = new TextEncoder();

  const fakeFetch = async (_url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const body: unknown = JSON.parse(String(init?.body));
    bodies.push(body);
    const call = bodies.length;
    for (const waiter of waiters.filter((w) => w.n <= call)) waiter.resolve();
    const parts = respond(call, body);
    const signal = init?.signal ?? undefined;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let ended = false;
    const end = () => {
      if (!ended) {
        ended = true;
        inFlight--;
      }
    };
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        const onAbort = () => {
          end();
          try {
            controller.error(signal?.reason ?? new DOMException('aborted', 'AbortError'));
          } catch {
            // already closed
          }
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        try {
          for (const part of parts) {
            if (typeof part !== 'string') await part;
            else if (!ended) controller.enqueue(encoder.encode(part));
            if (ended) return;
          }
          end();
          controller.close();
        } finally {
          signal?.removeEventListener('abort', onAbort);
        }
      },
      cancel() {
        end();
      },
    });
    return new Response(stream, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  };

  return {
    fetch: fakeFetch as typeof fetch,
    bodies,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    requested(n) {
      if (bodies.length >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
  };
}

/** A promise with its resolve function, to gate a response or a tool from the test. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}

/** Resolves with the first snapshot (current or later) that satisfies `predicate`. */
export function waitFor<S>(
  controller: { getSnapshot(): S; subscribe(listener: () => void): () => void },
  predicate: (snapshot: S) => boolean,
): Promise<S> {
  return new Promise((resolve) => {
    const check = () => {
      const snapshot = controller.getSnapshot();
      if (!predicate(snapshot)) return false;
      unsubscribe?.();
      resolve(snapshot);
      return true;
    };
    let unsubscribe: (() => void) | undefined;
    if (check()) return;
    unsubscribe = controller.subscribe(() => void check());
  });
}
