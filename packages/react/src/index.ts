export { useStream } from './use-stream';
export type { StreamActions, UseStreamResult } from './use-stream';
export { useChat } from './use-chat';
export type { ChatActions, UseChatResult } from './use-chat';
