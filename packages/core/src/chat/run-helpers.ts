import { StreamError } from '../errors';
import type { ChatMessage, ChatOptions, StreamOptions, StreamSnapshot, StreamStatus } from '../types';
import { unansweredToolCalls } from './messages';
import { errorMessage } from './tools';

// Small pure helpers of createChat: which options reach each step's stream, and how a run reads a snapshot.

/** Option keys that belong to the chat, not to each step's stream. */
const CHAT_ONLY_KEYS = new Set([
  'model',
  'messages',
  'tools',
  'maxSteps',
  'prepareBody',
  'cacheToolResults',
  'startToolsEarly',
  'onFinish',
  'signal',
  'body',
  'onEvent',
  'onDelta',
  'id',
  'resume',
]);

export function streamOptionsOf(options: ChatOptions): StreamOptions {
  const picked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (!CHAT_ONLY_KEYS.has(key)) picked[key] = value;
  return picked as unknown as StreamOptions;
}

/** While a turn streams, the chat shows the stream's status; its end is decided by the chat, not the step. */
export function runningStatus(status: StreamStatus): StreamStatus {
  if (status === 'done' || status === 'error' || status === 'aborted') return 'streaming';
  return status === 'idle' ? 'connecting' : status;
}

/** A history that ends in unanswered tool calls (restored with setMessages) resumes on addToolResult. */
export function pausedOnArrival(messages: ChatMessage[]): number | null {
  return unansweredToolCalls(messages).length > 0 ? 0 : null;
}

export function hasOutput(snapshot: StreamSnapshot): boolean {
  return snapshot.text !== '' || snapshot.reasoning !== '' || snapshot.toolCalls.length > 0;
}

export function lastAssistantMessage(messages: ChatMessage[]): ChatMessage | undefined {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === 'assistant') return messages[i];
  return undefined;
}

export function asStreamError(error: unknown): StreamError {
  if (error instanceof StreamError) return error;
  return new StreamError('parse', `Could not prepare the chat request: ${errorMessage(error)}`, { cause: error });
}
