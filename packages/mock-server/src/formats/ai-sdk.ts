import type { MockAnswer } from '../answer';
import type { FormatContext, ProviderFormat, WireEvent } from './types';

// Vercel AI SDK UI message stream, protocol v1 (what `toUIMessageStreamResponse()` sends): SSE `data:` lines of
// JSON chunks without event names, announced by the header `x-vercel-ai-ui-message-stream: v1`. A message is
// `start` (messageId), `start-step`, reasoning as `reasoning-start` / `reasoning-delta` (`delta`) / `reasoning-end`,
// text as `text-start` / `text-delta` / `text-end` sharing an `id`, tool calls as `tool-input-start` (toolCallId,
// toolName), `tool-input-delta` (`inputTextDelta`) and `tool-input-available` (the parsed `input`), then
// `finish-step`, `finish` (finishReason in the SDK's own spelling: `tool-calls`, `length`, `stop`) and
// `data: [DONE]`. Errors are in-band chunks `{"type":"error","errorText":"..."}`.

const FINISH_REASON = { stop: 'stop', length: 'length', tool_calls: 'tool-calls' } as const;

const chunk = (fields: object, token = false): WireEvent => ({ data: JSON.stringify(fields), token });

function* aiSdkEvents(a: MockAnswer, ctx: FormatContext): Iterable<WireEvent> {
  yield chunk({ type: 'start', messageId: `msg-${ctx.streamId}` });
  yield chunk({ type: 'start-step' });
  if (a.reasoningTokens.length > 0) {
    const id = `reasoning-${ctx.streamId}`;
    yield chunk({ type: 'reasoning-start', id });
    for (const r of a.reasoningTokens) yield chunk({ type: 'reasoning-delta', id, delta: r }, true);
    yield chunk({ type: 'reasoning-end', id });
  }
  if (a.textTokens.length > 0) {
    const id = `text-${ctx.streamId}`;
    yield chunk({ type: 'text-start', id });
    for (const t of a.textTokens) yield chunk({ type: 'text-delta', id, delta: t }, true);
    yield chunk({ type: 'text-end', id });
  }
  for (const call of a.toolCalls) {
    yield chunk({ type: 'tool-input-start', toolCallId: call.id, toolName: call.name });
    for (const f of call.fragments) yield chunk({ type: 'tool-input-delta', toolCallId: call.id, inputTextDelta: f }, true);
    yield chunk({ type: 'tool-input-available', toolCallId: call.id, toolName: call.name, input: call.input });
  }
  yield chunk({ type: 'finish-step' });
  yield chunk({ type: 'finish', finishReason: FINISH_REASON[a.finishReason] });
  yield { data: '[DONE]' };
}

export const aiSdkFormat: ProviderFormat = {
  name: 'ai-sdk',
  framing: 'sse',
  contentType: 'text/event-stream',
  headers: { 'x-vercel-ai-ui-message-stream': 'v1' },
  defaultModel: 'mock',
  events: aiSdkEvents,
  inbandError: () => chunk({ type: 'error', errorText: 'An error occurred while streaming the answer (mock fault).' }),
  // The protocol's own end of a stopped answer (streamText writes it when its abort signal fires); it has no code.
  stopped: () => chunk({ type: 'abort' }),
  malformed: (ctx) => ({ data: `{"type":"text-delta","id":"text-${ctx.streamId}","delta":"cut of` }),
  errorBody: (_status, message) => ({ contentType: 'application/json', body: JSON.stringify({ error: message }) }),
};
