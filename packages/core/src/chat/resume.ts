import { resolveHeaders } from '../transport/request';
import type { ChatMessage, ChatOptions, StreamSnapshot } from '../types';
import { createMessageId } from './messages';

// Resume support of a chat: where its running stream is joined and stopped, and what a POST tells the server.

/** The url a chat with `resume` on joins (GET) and stops (DELETE): `${url}/${id}/stream` unless given. */
export function resumeUrlOf(options: ChatOptions, chatId: string): string | null {
  const resume = options.resume;
  if (!resume) return null;
  if (typeof resume === 'object' && resume.url !== undefined) return String(resume.url);
  // The query (a scenario, an api version) belongs to the POST route, not to the stream's.
  const path = String(options.url).replace(/[?#].*$/, '').replace(/\/+$/, '');
  return `${path}/${encodeURIComponent(chatId)}/stream`;
}

/** With resume on, a plain-object body names the chat in a top-level `id` (the app's route names the stream by it). */
export function withChatId(body: unknown, chatId: string): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const proto: unknown = Object.getPrototypeOf(body);
  if (proto !== Object.prototype && proto !== null) return body; // FormData, Blob, ...: the app's own encoding
  return { ...body, id: chatId };
}

/**
 * Asks the server to stop generating (`DELETE` on the resume url), with the chat's own headers and fetch. Best effort:
 * a failure is not the user's concern (the local stream has stopped already) and is reported without any header.
 */
export async function requestServerStop(url: string, options: ChatOptions): Promise<void> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  try {
    const headers = await resolveHeaders(options.headers);
    const response = await fetchImpl(url, { method: 'DELETE', headers });
    await response.body?.cancel().catch(() => undefined);
  } catch {
    // The server keeps generating until its own limits end the stream; nothing else can be done from here.
  }
}

/**
 * Where a joined turn goes: it replaces a trailing assistant message (the partial answer an app saved before the
 * reload: the replay rebuilds it from its start, so it is never shown twice), else it is a new message.
 */
export function joinTarget(messages: ChatMessage[]): { prefix: ChatMessage[]; messageId: string } {
  const last = messages[messages.length - 1];
  if (last?.role === 'assistant') return { prefix: messages.slice(0, -1), messageId: last.id };
  return { prefix: messages, messageId: createMessageId() };
}

/**
 * A turn the server stopped on request (someone pressed Stop, here or in another tab: the relay ends its followers
 * with an in-band error coded `cancelled`) ends as a local stop does: 'aborted', its partial text kept, no error.
 */
export function asStoppedByServer(final: StreamSnapshot): StreamSnapshot {
  if (final.status !== 'error' || final.error?.kind !== 'provider') return final;
  // Any case: Gemini's relay event says CANCELLED (google.rpc's name) where the others say 'cancelled'.
  if (final.error.code?.toLowerCase() !== 'cancelled') return final;
  return { ...final, status: 'aborted', error: null };
}
