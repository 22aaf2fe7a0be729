import type { MockAnswer } from '../answer';
import type { ErrorBody, FormatContext, ProviderFormat, WireEvent } from './types';

// OpenAI Chat Completions streaming: `data: <chat.completion.chunk>` lines without event names, a first chunk
// carrying only the role, one chunk per content / reasoning_content / tool-argument delta, a chunk with
// finish_reason and an empty delta, the usage chunk (empty `choices`) when stream_options.include_usage, and
// `data: [DONE]`. With include_usage every other chunk carries `"usage": null`, as the API does.

function includeUsage(body: unknown): boolean {
  const so = (body as { stream_options?: { include_usage?: unknown } } | null)?.stream_options;
  return so?.include_usage === true;
}

export function openAIErrorJson(status: number, message: string): string {
  const [type, code] =
    status === 429
      ? ['requests', 'rate_limit_exceeded']
      : status === 401
        ? ['invalid_request_error', 'invalid_api_key']
        : status >= 500
          ? ['server_error', null]
          : ['invalid_request_error', null];
  return JSON.stringify({ error: { message, type, param: null, code } });
}

function* chatEvents(a: MockAnswer, ctx: FormatContext): Iterable<WireEvent> {
  const usageField = includeUsage(ctx.body);
  const chunk = (delta: object, finishReason: string | null, token = false): WireEvent => ({
    data: JSON.stringify({
      id: `chatcmpl-${ctx.streamId}`,
      object: 'chat.completion.chunk',
      created: ctx.created,
      model: ctx.model,
      system_fingerprint: 'fp_mock',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...(usageField ? { usage: null } : {}),
    }),
    token,
  });
  const toolTurn = a.toolCalls.length > 0;
  yield chunk({ role: 'assistant', content: toolTurn ? null : '', refusal: null }, null);
  for (const r of a.reasoningTokens) yield chunk({ content: null, reasoning_content: r }, null, true);
  for (const t of a.textTokens) yield chunk({ content: t }, null, true);
  for (const [index, call] of a.toolCalls.entries()) {
    yield chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }, null);
    for (const f of call.fragments) yield chunk({ tool_calls: [{ index, function: { arguments: f } }] }, null, true);
  }
  yield chunk({}, a.finishReason);
  if (usageField) {
    const u = a.usage;
    yield {
      data: JSON.stringify({
        id: `chatcmpl-${ctx.streamId}`,
        object: 'chat.completion.chunk',
        created: ctx.created,
        model: ctx.model,
        system_fingerprint: 'fp_mock',
        choices: [],
        usage: {
          prompt_tokens: u.inputTokens,
          completion_tokens: u.outputTokens,
          total_tokens: u.totalTokens,
          prompt_tokens_details: { cached_tokens: u.cachedInputTokens ?? 0, audio_tokens: 0 },
          completion_tokens_details: {
            reasoning_tokens: u.reasoningTokens ?? 0,
            audio_tokens: 0,
            accepted_prediction_tokens: 0,
            rejected_prediction_tokens: 0,
          },
        },
      }),
    };
  }
  yield { data: '[DONE]' };
}

export const openAIChatFormat: ProviderFormat = {
  name: 'openai',
  framing: 'sse',
  contentType: 'text/event-stream; charset=utf-8',
  defaultModel: 'gpt-4o-mini',
  events: chatEvents,
  inbandError: () => ({
    data: openAIErrorJson(500, 'The server had an error while processing your request. Sorry about that!'),
  }),
  stopped: (_ctx, stop) => ({ data: JSON.stringify({ error: { message: stop.message, type: 'api_error', param: null, code: stop.code } }) }),
  malformed: (ctx) => ({
    data: `{"id":"chatcmpl-${ctx.streamId}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"cut of`,
  }),
  errorBody: (status, message): ErrorBody => ({ contentType: 'application/json', body: openAIErrorJson(status, message) }),
};
