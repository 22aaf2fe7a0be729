import { createChat } from '@tokenstream/core';
import type { ChatMessage, ChatOptions, ChatSnapshot } from '@tokenstream/core';
import { MountGate, shallowEqual } from './lifecycle';
import { identity, useBinding, type Binding } from './use-binding';

export interface ChatActions {
  /** Appends a user message (or replaces `editMessageId` and what follows) and streams the answer. */
  send(content: string, opts?: { editMessageId?: string }): Promise<ChatSnapshot>;
  stop(): void;
  regenerate(): Promise<ChatSnapshot>;
  setMessages(messages: ChatMessage[]): void;
  addToolResult(toolCallId: string, result: unknown): void;
  /** Joins the answer still running for this chat (see `ChatOptions.resume`); a chat with `resume` joins on mount. */
  join(): Promise<ChatSnapshot>;
  /** The chat's id (`options.id`, or the random one it was given): keep it to join this chat after a reload. */
  readonly id: string;
}

export type UseChatResult<T extends object = ChatSnapshot> = T & ChatActions;

function createChatBinding(options: ChatOptions): Binding<ChatSnapshot, ChatOptions, ChatActions> {
  // setOptions after every render: createChat reads its options at each step and tool call.
  const controller = createChat(options);
  // Unmounting leaves: the answer goes on on the server and can be joined (only stop() asks the server to stop).
  const gate = new MountGate(() => controller.leave());
  const current = () => controller.getSnapshot();
  const actions: ChatActions = {
    // Only an identical repeat within one tick is dropped: that is StrictMode re-running an effect.
    send: (content, opts) =>
      gate.defer(`send:${opts?.editMessageId ?? ''}:${content}`, () => controller.send(content, opts), current),
    regenerate: () => gate.defer('regenerate', () => controller.regenerate(), current),
    stop: () => {
      gate.cancel(current);
      controller.stop();
    },
    setMessages: (messages) => controller.setMessages(messages),
    addToolResult: (toolCallId, result) => controller.addToolResult(toolCallId, result),
    join: () => gate.defer('join', () => controller.join(), current),
    id: controller.id,
  };
  return {
    setOptions: (next) => controller.setOptions(next),
    store: { subscribe: (listener) => controller.subscribe(listener), getSnapshot: current },
    idle: current(),
    gate,
    actions,
  };
}

/**
 * A chat with an LLM: messages, tool loop and status from `createChat`, with `send`, `stop`, `regenerate`,
 * `setMessages` and `addToolResult`. `select`/`isEqual` work as in `useStream`.
 * One controller per component instance; options are read from the latest render; unmounting leaves the chat (the
 * local read ends; with `resume`, the server goes on). A chat with `resume` joins its running answer after mount:
 * its first subscription (never during SSR; once under StrictMode).
 */
export function useChat(options: ChatOptions): UseChatResult;
export function useChat<T extends object>(
  options: ChatOptions,
  select: (snapshot: ChatSnapshot) => T,
  isEqual?: (a: T, b: T) => boolean,
): UseChatResult<T>;
export function useChat<T extends object>(
  options: ChatOptions,
  select: (snapshot: ChatSnapshot) => T = identity as (snapshot: ChatSnapshot) => T,
  isEqual: (a: T, b: T) => boolean = select === identity ? Object.is : shallowEqual,
): UseChatResult<T> {
  return useBinding(options, createChatBinding, select, isEqual);
}
