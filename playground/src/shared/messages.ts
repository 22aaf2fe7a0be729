import type { ChatMessage } from '@tokenstream/core';

/** The tool message answering `toolCallId`, once the tool has run. */
export function toolResultOf(messages: ChatMessage[], toolCallId: string): ChatMessage | undefined {
  return messages.find((m) => m.role === 'tool' && m.toolCallId === toolCallId);
}
