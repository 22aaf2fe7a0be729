export { useStream } from './use-stream';
export type { UseStreamOptions, UseStreamReturn } from './use-stream';
export { useChat } from './use-chat';
export type { UseChatOptions, UseChatReturn } from './use-chat';
export type { MaybeReactiveOptions, ReactiveFields } from './options';
export type { SnapshotRefs } from './mirror';
