import type { ChatOptions, StreamOptions } from '@tokenstream/core';

export { useStream } from './use-stream';
export type { StreamActions, UseStreamResult, UseStreamResult as UseStreamReturn } from './use-stream';
export { useChat } from './use-chat';
export type { ChatActions, UseChatResult, UseChatResult as UseChatReturn } from './use-chat';

/** What `useStream` takes: the core's `StreamOptions`, read from the latest render (named like the Vue binding's). */
export type UseStreamOptions = StreamOptions;
/** What `useChat` takes: the core's `ChatOptions`, read from the latest render (named like the Vue binding's). */
export type UseChatOptions = ChatOptions;
