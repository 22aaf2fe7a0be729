import type { ChatMessage } from '@tokenstream/core';

// The request body of the mock's plain-text route, which no provider speaks, so core has no helper for it.

/** The plain-text route streams bare text: no tools, just the conversation. */
export function prepareTextBody(messages: ChatMessage[]): Record<string, unknown> {
  return {
    messages: messages
      .filter((m) => m.role === 'user' || (m.role === 'assistant' && m.text !== ''))
      .map((m) => ({ role: m.role, content: m.text })),
  };
}
