import type { MockAnswer } from '../answer';
import type { FormatContext, ProviderFormat, WireEvent } from './types';

// AG-UI events over SSE (`data: <event JSON>` lines, no event names): RUN_STARTED (threadId, runId), reasoning as
// REASONING_START / REASONING_MESSAGE_START / _CONTENT (`delta`) / _END / REASONING_END, the answer as
// TEXT_MESSAGE_START (messageId, role "assistant") / TEXT_MESSAGE_CONTENT (`delta`) / TEXT_MESSAGE_END, tool calls as
// TOOL_CALL_START (toolCallId, toolCallName, parentMessageId) / TOOL_CALL_ARGS (`delta`) / TOOL_CALL_END, and
// RUN_FINISHED (threadId, runId). Errors are RUN_ERROR (message, code). threadId and runId echo the request's
// RunAgentInput when it has them.

function runIds(ctx: FormatContext): { threadId: string; runId: string } {
  const body = (typeof ctx.body === 'object' && ctx.body !== null ? ctx.body : {}) as Record<string, unknown>;
  return {
    threadId: typeof body.threadId === 'string' ? body.threadId : `thread-${ctx.streamId}`,
    runId: typeof body.runId === 'string' ? body.runId : `run-${ctx.streamId}`,
  };
}

const event = (type: string, fields: object, token = false): WireEvent => ({ data: JSON.stringify({ type, ...fields }), token });

function* agUiEvents(a: MockAnswer, ctx: FormatContext): Iterable<WireEvent> {
  const ids = runIds(ctx);
  const messageId = `msg-${ctx.streamId}`;
  yield event('RUN_STARTED', ids);
  if (a.reasoningTokens.length > 0) {
    const reasoningId = `reasoning-${ctx.streamId}`;
    yield event('REASONING_START', { messageId: reasoningId });
    yield event('REASONING_MESSAGE_START', { messageId: reasoningId, role: 'reasoning' });
    for (const r of a.reasoningTokens) yield event('REASONING_MESSAGE_CONTENT', { messageId: reasoningId, delta: r }, true);
    yield event('REASONING_MESSAGE_END', { messageId: reasoningId });
    yield event('REASONING_END', { messageId: reasoningId });
  }
  if (a.textTokens.length > 0) {
    yield event('TEXT_MESSAGE_START', { messageId, role: 'assistant' });
    for (const t of a.textTokens) yield event('TEXT_MESSAGE_CONTENT', { messageId, delta: t }, true);
    yield event('TEXT_MESSAGE_END', { messageId });
  }
  for (const call of a.toolCalls) {
    yield event('TOOL_CALL_START', { toolCallId: call.id, toolCallName: call.name, parentMessageId: messageId });
    for (const f of call.fragments) yield event('TOOL_CALL_ARGS', { toolCallId: call.id, delta: f }, true);
    yield event('TOOL_CALL_END', { toolCallId: call.id });
  }
  yield event('RUN_FINISHED', ids);
}

export const agUiFormat: ProviderFormat = {
  name: 'ag-ui',
  framing: 'sse',
  contentType: 'text/event-stream',
  defaultModel: 'mock',
  events: agUiEvents,
  inbandError: () => event('RUN_ERROR', { message: 'The agent failed while running (mock fault).', code: 'mock_fault' }),
  stopped: (_ctx, stop) => event('RUN_ERROR', { message: stop.message, code: stop.code }),
  malformed: (ctx) => ({ data: `{"type":"TEXT_MESSAGE_CONTENT","messageId":"msg-${ctx.streamId}","delta":"cut of` }),
  errorBody: (_status, message) => ({ contentType: 'application/json', body: JSON.stringify({ error: message }) }),
};
