import type { ChatMessage } from '@tokenstream/core';

// Saved chats in localStorage, one key per chat id, bounded: only the `keep` most recently used chats stay (a user who
// opens many chats would otherwise fill the ~5 MB quota, and then every save throws). An index key lists the ids,
// most recently used first. A save that hits the quota drops the oldest other chat and is tried once more; storage
// that is full or disabled never breaks the page, the chat just will not come back after a reload.

/** The part of the Web Storage API used here (tests pass an in-memory one). */
export type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

export interface ChatStorage {
  /** The messages saved for `chatId` (none when nothing is saved or it is unreadable); counts as a use. */
  load(chatId: string): ChatMessage[];
  /** Saves the history as it is now; counts as a use. Never throws. */
  save(chatId: string, messages: readonly ChatMessage[]): void;
  /** The saved chat ids, most recently used first. */
  ids(): string[];
}

export interface ChatStorageOptions {
  /** Key prefix of one chat's messages; the index is `${prefix}index`. */
  prefix: string;
  /** How many chats stay saved (default 20). */
  keep?: number;
}

export const DEFAULT_KEPT_CHATS = 20;

export function createChatStorage(storage: () => StorageLike, options: ChatStorageOptions): ChatStorage {
  const { prefix } = options;
  const keep = Math.max(1, Math.floor(options.keep ?? DEFAULT_KEPT_CHATS));
  const indexKey = `${prefix}index`;
  const keyOf = (chatId: string) => prefix + chatId;

  /**
   * The index, read at each use (another tab may have saved since); chats saved before it existed come after the
   * listed ones.
   */
  function readOrder(store: StorageLike): string[] {
    let listed: string[] = [];
    try {
      const parsed: unknown = JSON.parse(store.getItem(indexKey) ?? '[]');
      if (Array.isArray(parsed)) listed = parsed.filter((id): id is string => typeof id === 'string');
    } catch {
      // An unreadable index is rebuilt from the keys below.
    }
    const found = new Set(listed);
    for (let i = 0; i < store.length; i++) {
      const key = store.key(i);
      if (key !== null && key !== indexKey && key.startsWith(prefix)) found.add(key.slice(prefix.length));
    }
    return [...found];
  }

  /** Moves `chatId` to the front and drops the chats beyond `keep`. */
  function use(store: StorageLike, chatId: string): void {
    const current = readOrder(store);
    if (current[0] === chatId && current.length <= keep) return;
    const order = [chatId, ...current.filter((id) => id !== chatId)];
    for (const dropped of order.splice(keep)) store.removeItem(keyOf(dropped));
    writeIndex(store, order);
  }

  function writeIndex(store: StorageLike, order: string[]): void {
    try {
      store.setItem(indexKey, JSON.stringify(order));
    } catch {
      // Full: the index is rebuilt from the chat keys on the next page load.
    }
  }

  /** Drops the least recently used chat other than `chatId`; false when there is none. */
  function dropOldest(store: StorageLike, chatId: string): boolean {
    const order = readOrder(store);
    const oldest = order.at(-1) === chatId ? order.length - 2 : order.length - 1;
    if (oldest < 0) return false;
    const [dropped] = order.splice(oldest, 1);
    store.removeItem(keyOf(dropped!));
    writeIndex(store, order);
    return true;
  }

  /** Storage itself can throw (disabled, or a sandboxed frame): then nothing is saved. */
  function tryStorage(): StorageLike | null {
    try {
      return storage();
    } catch {
      return null;
    }
  }

  return {
    load(chatId) {
      const store = tryStorage();
      if (!store) return [];
      try {
        const raw = store.getItem(keyOf(chatId));
        if (raw === null) return [];
        use(store, chatId);
        const saved: unknown = JSON.parse(raw);
        return Array.isArray(saved) ? (saved as ChatMessage[]) : [];
      } catch {
        return [];
      }
    },
    save(chatId, messages) {
      const store = tryStorage();
      if (!store) return;
      try {
        use(store, chatId);
        const value = JSON.stringify(messages);
        try {
          store.setItem(keyOf(chatId), value);
        } catch {
          // Most likely the quota: make room by dropping the oldest other chat, then try once more.
          if (dropOldest(store, chatId)) store.setItem(keyOf(chatId), value);
        }
      } catch {
        // Still full, or storage disabled: the chat works on, it just will not come back after a reload.
      }
    },
    ids() {
      const store = tryStorage();
      return store ? readOrder(store) : [];
    },
  };
}
