import type { MockAnswer } from '../answer';
import type { FormatContext, ProviderFormat, WireEvent } from './types';

// Ollama /api/chat and /api/generate: NDJSON (application/x-ndjson), one JSON object per line with done:false,
// thinking in `message.thinking` / `thinking`, tool calls whole in `message.tool_calls` (arguments as an
// object, no id), and a last line with done:true, done_reason, prompt_eval_count (input) and eval_count
// (output, thinking included) plus durations in nanoseconds. Errors are `{"error":"..."}`.

function createdAt(ctx: FormatContext): string {
  return new Date(ctx.created * 1000).toISOString();
}

function finalStats(a: MockAnswer) {
  return {
    done_reason: a.finishReason === 'length' ? 'length' : 'stop',
    done: true,
    total_duration: 1_000_000 * (a.usage.outputTokens + 10),
    load_duration: 1_000_000,
    prompt_eval_count: a.usage.inputTokens,
    prompt_eval_duration: 100_000 * a.usage.inputTokens,
    eval_count: a.usage.outputTokens,
    eval_duration: 1_000_000 * a.usage.outputTokens,
  };
}

function* chatEvents(a: MockAnswer, ctx: FormatContext): Iterable<WireEvent> {
  const line = (message: object, token = true): WireEvent => ({
    data: JSON.stringify({ model: ctx.model, created_at: createdAt(ctx), message: { role: 'assistant', ...message }, done: false }),
    token,
  });
  for (const r of a.reasoningTokens) yield line({ content: '', thinking: r });
  for (const t of a.textTokens) yield line({ content: t });
  if (a.toolCalls.length > 0) {
    yield line({ content: '', tool_calls: a.toolCalls.map((c) => ({ function: { name: c.name, arguments: c.input } })) });
  }
  yield {
    data: JSON.stringify({ model: ctx.model, created_at: createdAt(ctx), message: { role: 'assistant', content: '' }, ...finalStats(a) }),
  };
}

function* generateEvents(a: MockAnswer, ctx: FormatContext): Iterable<WireEvent> {
  const line = (fields: object): WireEvent => ({
    data: JSON.stringify({ model: ctx.model, created_at: createdAt(ctx), ...fields, done: false }),
    token: true,
  });
  for (const r of a.reasoningTokens) yield line({ response: '', thinking: r });
  for (const t of a.textTokens) yield line({ response: t });
  yield {
    data: JSON.stringify({ model: ctx.model, created_at: createdAt(ctx), response: '', ...finalStats(a), context: [1, 2, 3] }),
  };
}

const errorJson = (message: string) => JSON.stringify({ error: message });

const common = {
  framing: 'ndjson',
  contentType: 'application/x-ndjson',
  defaultModel: 'llama3.2',
  inbandError: (): WireEvent => ({ data: errorJson('an error was encountered while running the model: unexpected EOF') }),
  // The relay's shape: Ollama's error (a bare message) with the relay's extra `code`.
  stopped: (_ctx: unknown, stop: { code: string; message: string }): WireEvent =>
    ({ data: JSON.stringify({ error: stop.message, code: stop.code }) }),
  errorBody: (_status: number, message: string) => ({ contentType: 'application/json; charset=utf-8', body: errorJson(message) }),
} as const;

export const ollamaChatFormat: ProviderFormat = {
  ...common,
  name: 'ollama-chat',
  events: chatEvents,
  malformed: (ctx) => ({ data: `{"model":"${ctx.model}","message":{"role":"assistant","content":"cut of` }),
};

export const ollamaGenerateFormat: ProviderFormat = {
  ...common,
  name: 'ollama-generate',
  events: generateEvents,
  malformed: (ctx) => ({ data: `{"model":"${ctx.model}","response":"cut of` }),
};
