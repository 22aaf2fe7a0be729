import { createChat } from '@tokenstream/core';
import type { ChatController, ChatMessage, ChatOptions, ChatSnapshot } from '@tokenstream/core';
import type { ShallowRef } from 'vue';
import { mirrorSnapshot, type SnapshotRefs } from './mirror';
import { bindOptions, resolveOptions, type MaybeReactiveOptions } from './options';

export type UseChatOptions = MaybeReactiveOptions<ChatOptions>;

export type UseChatReturn = SnapshotRefs<ChatSnapshot> & {
  snapshot: Readonly<ShallowRef<ChatSnapshot>>;
  /** Appends a user message (or replaces `editMessageId` and what follows) and streams the answer. */
  send(content: string, opts?: { editMessageId?: string }): Promise<ChatSnapshot>;
  stop(): void;
  regenerate(): Promise<ChatSnapshot>;
  setMessages(messages: ChatMessage[]): void;
  addToolResult(toolCallId: string, result: unknown): void;
  /** Joins the answer still running for this chat (see `ChatOptions.resume`); a chat with `resume` joins on mount. */
  join(): Promise<ChatSnapshot>;
  /** The chat's id (`options.id`, or the random one it was given): keep it to join this chat after a reload. */
  id: string;
  controller: ChatController;
};

/**
 * A chat with an LLM as readonly refs (`messages`, `status`, `error`, `usage`, ...) plus its actions.
 * Options may be refs/getters; createChat reads them at every send and every tool step.
 * Disposing the calling effect scope leaves the chat (the local read ends; with `resume`, the server goes on).
 * A chat with `resume` joins its running answer once mounted (never during SSR).
 */
export function useChat(options: UseChatOptions): UseChatReturn {
  // createChat reads its options at each step and tool call: the watcher keeps them current.
  const controller = createChat(resolveOptions(options));
  const read = bindOptions(options, (next) => controller.setOptions(next));
  const withCurrentOptions = <R>(action: () => R): R => {
    controller.setOptions(read());
    return action();
  };
  const { snapshot, refs } = mirrorSnapshot(controller, () => controller.leave());
  return {
    ...refs,
    snapshot,
    send: (content, opts) => withCurrentOptions(() => controller.send(content, opts)),
    stop: () => controller.stop(),
    regenerate: () => withCurrentOptions(() => controller.regenerate()),
    setMessages: (messages) => controller.setMessages(messages),
    addToolResult: (toolCallId, result) => controller.addToolResult(toolCallId, result),
    join: () => withCurrentOptions(() => controller.join()),
    id: controller.id,
    controller,
  };
}
