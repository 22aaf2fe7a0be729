import type { ChatOptions, StreamOptions } from '@tokenstream/core';

export { useStream } from './use-stream';
export type { StreamActions, UseStreamResult, UseStreamResult as UseStreamReturn } from './use-stream';
export { useChat } from './use-chat';
/** Re-exported so a component needs one import: whether a status means a request is under way. */
export { isActive } from '@tokenstream/core';
export type { ChatActions, UseChatResult, UseChatResult as UseChatReturn } from './use-chat';

/** What `useStream` takes: the core's `StreamOptions`, read from the latest render (named like the Vue binding's). */
export type UseStreamOptions = StreamOptions;
/** What `useChat` takes: the core's `ChatOptions`, read from the latest render (named like the Vue binding's). */
export type UseChatOptions = ChatOptions;
export { StreamingMarkdown, useMarkdownBlocks } from './markdown';
export type { MarkdownRenderer, StreamingMarkdownProps } from './markdown';
