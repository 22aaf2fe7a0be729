// Hand-written provider stream bodies, per the OpenAI Chat Completions and Anthropic Messages streaming formats.

/** One SSE event: optional `event:` line, one `data:` line (objects as JSON). */
const sseEvent = (data: unknown, event?: string): string =>
  `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

// ---- OpenAI Chat Completions, as api.openai.com sends it ----

const openAIBase = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1 };

function openAIChunk(delta: object, finishReason: string | null = null, model = 'gpt-test'): string {
  return JSON.stringify({ ...openAIBase, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });
}

function openAIUsage(prompt: number, completion: number, model = 'gpt-test'): string {
  return JSON.stringify({
    ...openAIBase,
    model,
    choices: [],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  });
}

/** OpenAI Chat Completions SSE events, one at a time. */
export const openai = {
  role: () => sseEvent(openAIChunk({ role: 'assistant', content: '', refusal: null })),
  text: (content: string) => sseEvent(openAIChunk({ content })),
  finish: (reason = 'stop') => sseEvent(openAIChunk({}, reason)),
  usage: (prompt = 12, completion = 34) => sseEvent(openAIUsage(prompt, completion)),
  done: () => sseEvent('[DONE]'),
  toolCallStart: (id: string, name: string, index = 0) =>
    sseEvent(openAIChunk({ tool_calls: [{ index, id, type: 'function', function: { name, arguments: '' } }] })),
  toolCallArguments: (fragment: string, index = 0) => sseEvent(openAIChunk({ tool_calls: [{ index, function: { arguments: fragment } }] })),
  /** A whole answer: role, one event per token, finish, usage, [DONE]. */
  answer(tokens: string[]): string {
    return this.role() + tokens.map((t) => this.text(t)).join('') + this.finish() + this.usage() + this.done();
  },
  unauthorized: () =>
    JSON.stringify({
      error: { message: 'Incorrect API key provided: sk-wrong.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
    }),
};

/** An OpenAI Chat Completions stream of `words`, each a delta (no usage event), optionally with SSE ids `1..n`. */
export function openAIChatStream(words: string[], options: { ids?: boolean; model?: string } = {}): string {
  const model = options.model;
  const events = [
    openAIChunk({ role: 'assistant', content: '' }, null, model),
    ...words.map((w) => openAIChunk({ content: w }, null, model)),
    openAIChunk({}, 'stop', model),
    '[DONE]',
  ];
  return events.map((data, i) => `${options.ids ? `id: ${i + 1}\n` : ''}data: ${data}\n\n`).join('');
}

// ---- Scripted turns (text and tool calls) for chat tests ----

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

function splitInTwo(text: string): [string, string] {
  const middle = Math.ceil(text.length / 2);
  return [text.slice(0, middle), text.slice(middle)];
}

/** A turn as OpenAI Chat Completions SSE events: role, text deltas, tool calls, finish, usage, `[DONE]`. */
export function openAIChatTurn(turn: ScriptedTurn, options: { model?: string } = {}): string[] {
  const chunk = (delta: object, finish: string | null = null) => sseEvent(openAIChunk(delta, finish, options.model));
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
  parts.push(sseEvent(openAIUsage(usage.input, usage.output, options.model)));
  parts.push(sseEvent('[DONE]'));
  return parts;
}

/** A turn as Anthropic Messages SSE events: message_start, a content block per text/tool_use, message_delta, message_stop. */
export function anthropicStream(turn: ScriptedTurn, options: { model?: string } = {}): string[] {
  const usage = turn.usage ?? { input: 10, output: 5 };
  const event = (type: string, fields: object) => sseEvent({ type, ...fields }, type);
  const parts = [
    event('message_start', {
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
    }),
  ];
  let index = 0;
  if (turn.text?.length) {
    parts.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
    for (const text of turn.text) parts.push(event('content_block_delta', { index, delta: { type: 'text_delta', text } }));
    parts.push(event('content_block_stop', { index }));
    index++;
  }
  for (const call of turn.calls ?? []) {
    parts.push(event('content_block_start', { index, content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} } }));
    for (const fragment of splitInTwo(call.args)) {
      parts.push(event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: fragment } }));
    }
    parts.push(event('content_block_stop', { index }));
    index++;
  }
  parts.push(
    event('message_delta', {
      delta: { stop_reason: turn.calls?.length ? 'tool_use' : 'end_turn', stop_sequence: null },
      usage: { output_tokens: usage.output },
    }),
  );
  parts.push(event('message_stop', {}));
  return parts;
}
