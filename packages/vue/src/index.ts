export { useStream } from './use-stream';
export type { UseStreamOptions, UseStreamReturn } from './use-stream';
export { useChat } from './use-chat';
/** Re-exported so a component needs one import: whether a status means a request is under way. */
export { isActive } from '@tokenstream/core';
export type { UseChatOptions, UseChatReturn } from './use-chat';
export type { MaybeReactiveOptions, ReactiveFields } from './options';
export type { SnapshotRefs } from './mirror';
export { StreamingMarkdown, useMarkdownBlocks } from './markdown';
export type { MarkdownRenderer } from './markdown';
