import type { MockAnswer } from '../answer';
import type { FormatContext, ProviderFormat, WireEvent } from './types';

// Gemini streamGenerateContent?alt=sse: unnamed SSE events framed with CRLF (`data: {...}\r\n\r\n`, as the
// real API sends), each a GenerateContentResponse. Every chunk carries usageMetadata (prompt count only until
// the last); the last chunk has finishReason and the full counts: candidatesTokenCount excludes thoughts,
// thoughtsTokenCount is the reasoning share, totalTokenCount the sum. Thoughts are parts with `thought: true`;
// function calls arrive whole (`functionCall: { name, args }`) with no id.

const FINISH = { stop: 'STOP', length: 'MAX_TOKENS', tool_calls: 'STOP' } as const;

const STATUS_NAME: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

function geminiErrorJson(status: number, message: string): string {
  return JSON.stringify({ error: { code: status, message, status: STATUS_NAME[status] ?? 'UNKNOWN' } });
}

function* geminiEvents(a: MockAnswer, ctx: FormatContext): Iterable<WireEvent> {
  const u = a.usage;
  const reasoning = u.reasoningTokens ?? 0;
  const promptOnly: Record<string, number> = { promptTokenCount: u.inputTokens, totalTokenCount: u.inputTokens };
  const full: Record<string, number> = {
    promptTokenCount: u.inputTokens,
    candidatesTokenCount: u.outputTokens - reasoning,
    totalTokenCount: u.totalTokens,
  };
  if (reasoning > 0) full.thoughtsTokenCount = reasoning;
  if (u.cachedInputTokens) full.cachedContentTokenCount = promptOnly.cachedContentTokenCount = u.cachedInputTokens;

  const chunk = (parts: object[], last: boolean): WireEvent => ({
    data: JSON.stringify({
      candidates: [{ content: { parts, role: 'model' }, ...(last ? { finishReason: FINISH[a.finishReason] } : {}), index: 0 }],
      usageMetadata: last ? full : promptOnly,
      modelVersion: ctx.model,
      responseId: ctx.streamId,
    }),
    token: true,
  });
  // An answer always has text or tool calls after its thoughts, so a thought chunk is never the last.
  for (const r of a.reasoningTokens) yield chunk([{ text: r, thought: true }], false);
  for (const [i, t] of a.textTokens.entries()) yield chunk([{ text: t }], i === a.textTokens.length - 1 && a.toolCalls.length === 0);
  if (a.toolCalls.length > 0) {
    yield chunk(a.toolCalls.map((c) => ({ functionCall: { name: c.name, args: c.input } })), true);
  }
}

export const geminiFormat: ProviderFormat = {
  name: 'gemini',
  framing: 'sse-crlf',
  contentType: 'text/event-stream',
  defaultModel: 'gemini-2.5-flash',
  events: geminiEvents,
  inbandError: () => ({ data: geminiErrorJson(503, 'The model is overloaded. Please try again later.') }),
  // The relay's shape: a Google API error with google.rpc's name for the stop (CANCELLED, HTTP 499), else INTERNAL.
  stopped: (_ctx, stop) => ({ data: geminiErrorJson(stop.code === 'cancelled' ? 499 : 500, stop.message) }),
  malformed: () => ({ data: '{"candidates":[{"content":{"parts":[{"text":"cut of' }),
  errorBody: (status, message) => ({ contentType: 'application/json; charset=UTF-8', body: geminiErrorJson(status, message) }),
};
