import type { ChatMessage, StreamSnapshot, StreamStatus, ToolCall, Usage } from '../types';

// Pure helpers over the chat history. None of them mutates its input; each returns the same array when
// nothing changed, so unchanged messages (and arrays) keep their identity.

let fallbackCounter = 0;

export function createMessageId(): string {
  const uuid = globalThis.crypto?.randomUUID?.();
  return uuid ?? `msg-${Date.now().toString(36)}-${(fallbackCounter++).toString(36)}`;
}

/** The assistant message for one step, as seen in a stream snapshot. */
export function assistantMessageFrom(id: string, snapshot: StreamSnapshot, status: StreamStatus = snapshot.status): ChatMessage {
  return {
    id,
    role: 'assistant',
    text: snapshot.text,
    reasoning: snapshot.reasoning,
    toolCalls: snapshot.toolCalls,
    usage: snapshot.usage,
    finishReason: snapshot.finishReason,
    status,
    metrics: snapshot.metrics,
  };
}

/** A tool result message; `text` is the JSON of the result, the form every provider format sends back. */
export function toolResultMessage(call: Pick<ToolCall, 'id'>, result: unknown): ChatMessage {
  let text: string;
  try {
    text = JSON.stringify(result) ?? 'null';
  } catch (error) {
    // A BigInt or a cycle: the model gets an error it can read instead of the chat failing.
    text = JSON.stringify({ error: `Tool result is not JSON-serializable: ${(error as Error).message}` });
  }
  return {
    id: createMessageId(),
    role: 'tool',
    text,
    toolCallId: call.id,
    result,
    status: 'done',
  };
}

/**
 * The trailing tool turn: the last assistant message that has tool calls, when only tool messages follow
 * it. `answered` holds the call ids that already have a result.
 */
function trailingToolTurn(
  messages: ChatMessage[],
): { assistantIndex: number; calls: ToolCall[]; answered: Set<string> } | null {
  const answered = new Set<string>();
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message.role === 'tool') {
      if (message.toolCallId !== undefined) answered.add(message.toolCallId);
      continue;
    }
    if (message.role !== 'assistant' || !message.toolCalls || message.toolCalls.length === 0) return null;
    return { assistantIndex: i, calls: message.toolCalls, answered };
  }
  return null;
}

/** Calls of the trailing tool turn that have no result yet (a call the server answered in-stream has its `output`). */
export function unansweredToolCalls(messages: ChatMessage[]): ToolCall[] {
  const turn = trailingToolTurn(messages);
  return turn ? turn.calls.filter((call) => !turn.answered.has(call.id) && !('output' in call)) : [];
}

/**
 * Adds a tool result to the trailing tool turn, keeping the results in call order whatever order they
 * finish in (so a request body does not depend on tool timing). Unknown or already answered calls: unchanged.
 */
export function withToolResult(messages: ChatMessage[], toolMessage: ChatMessage): ChatMessage[] {
  const turn = trailingToolTurn(messages);
  const callId = toolMessage.toolCallId;
  if (!turn || callId === undefined || turn.answered.has(callId)) return messages;
  const order = turn.calls.findIndex((call) => call.id === callId);
  if (order === -1) return messages;
  const callOrder = (message: ChatMessage) => turn.calls.findIndex((call) => call.id === message.toolCallId);
  let insertAt = messages.length;
  for (let i = turn.assistantIndex + 1; i < messages.length; i++) {
    if (callOrder(messages[i]) > order) {
      insertAt = i;
      break;
    }
  }
  return [...messages.slice(0, insertAt), toolMessage, ...messages.slice(insertAt)];
}

/**
 * Gives every unanswered call of the trailing tool turn an error result. Providers reject a history where
 * a tool call has no result, so this runs before a new user message follows a stopped or unapproved turn.
 */
export function settleUnansweredToolCalls(messages: ChatMessage[]): ChatMessage[] {
  let settled = messages;
  for (const call of unansweredToolCalls(messages)) {
    settled = withToolResult(settled, toolResultMessage(call, { error: 'No result: the tool call was cancelled' }));
  }
  return settled;
}

/** Sums usage over steps; optional shares are kept only when some step reported them. */
export function addUsage(total: Usage | null, step: Usage | null | undefined): Usage | null {
  if (!step) return total;
  if (!total) return { ...step };
  const sum: Usage = {
    inputTokens: total.inputTokens + step.inputTokens,
    outputTokens: total.outputTokens + step.outputTokens,
    totalTokens: total.totalTokens + step.totalTokens,
  };
  if (total.reasoningTokens !== undefined || step.reasoningTokens !== undefined) {
    sum.reasoningTokens = (total.reasoningTokens ?? 0) + (step.reasoningTokens ?? 0);
  }
  if (total.cachedInputTokens !== undefined || step.cachedInputTokens !== undefined) {
    sum.cachedInputTokens = (total.cachedInputTokens ?? 0) + (step.cachedInputTokens ?? 0);
  }
  return sum;
}
