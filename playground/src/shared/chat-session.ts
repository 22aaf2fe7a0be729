import type { ChatMessage, ChatOptions } from '@tokenstream/core';
import { createChatStorage } from './chat-storage';
import type { ProviderId } from './settings';

// The playground's chat survives a reload and opens in a second tab: its id lives in the page URL (`?chat=`), its
// messages in localStorage (the app's own way of restoring history), and `resume: true` joins the answer still
// being generated for it. The mock server serves GET/DELETE {route}/{id}/stream for the id in the POST body.

const PARAM = 'chat';
/** The 20 most recently used chats stay saved; older ones are dropped (see chat-storage.ts). */
const savedChats = createChatStorage(() => localStorage, { prefix: 'tokenstream-playground:chat:' });
const VALID_ID = /^[A-Za-z0-9_-]{1,64}$/;

let sessionId: string | null = null;

/** This tab's chat id, from `?chat=` or new (then written into the URL, so a reload or a copied URL keeps it). */
export function chatSessionId(): string {
  if (sessionId !== null) return sessionId;
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get(PARAM);
  if (fromUrl !== null && VALID_ID.test(fromUrl)) return (sessionId = fromUrl);
  sessionId = crypto.randomUUID();
  url.searchParams.set(PARAM, sessionId);
  history.replaceState(history.state, '', url);
  return sessionId;
}

/** Saves the history as it is now, a partial answer included: a join after a reload rebuilds that one in place. */
export function saveMessages(chatId: string, messages: readonly ChatMessage[]): void {
  savedChats.save(chatId, messages);
}

/**
 * `options` for a chat that resumes: one chat per page and provider within the tab's session (the routes differ, and
 * each page is its own demo), its saved messages restored. The WebSocket row has no GET/DELETE route to join or stop,
 * so it does not resume.
 */
export function resumableChatOptions(options: ChatOptions, page: 'react' | 'vue', provider: ProviderId): ChatOptions {
  if (options.transport === 'websocket') return options;
  const id = `${chatSessionId()}-${page}-${provider}`;
  return { ...options, id, resume: true, messages: savedChats.load(id), fetch: countingRejoins(options.fetch) };
}

let rejoins = 0;
const rejoinListeners = new Set<() => void>();

/** Joins of this page that found an answer running (or finished) on the server: what the resume panel shows. */
export const rejoinCount = {
  get: () => rejoins,
  subscribe(listener: () => void): () => void {
    rejoinListeners.add(listener);
    return () => rejoinListeners.delete(listener);
  },
};

/** The chat's fetch, counting each join (a GET of the resume url) that was answered with a stream. */
function countingRejoins(inner: typeof fetch | undefined): typeof fetch {
  return async (input, init) => {
    const response = await (inner ?? globalThis.fetch)(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if ((init?.method ?? 'GET') === 'GET' && response.status === 200 && /\/stream(\?|$)/.test(url)) {
      rejoins++;
      for (const listener of [...rejoinListeners]) listener();
    }
    return response;
  };
}
