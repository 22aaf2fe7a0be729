import type { ChatMessage } from '@tokenstream/core';
import { describe, expect, it } from 'vitest';
import { createChatStorage, DEFAULT_KEPT_CHATS, type StorageLike } from '../src/shared/chat-storage';

const PREFIX = 'tokenstream-playground:chat:';

/** An in-memory Storage with a quota in UTF-16 code units of keys + values, throwing as browsers do when full. */
class QuotaStorage implements StorageLike {
  readonly items = new Map<string, string>();
  setCalls = 0;
  constructor(private readonly quota = Infinity) {}
  get length() {
    return this.items.size;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.setCalls++;
    const used = [...this.items].reduce((sum, [k, v]) => sum + (k === key ? 0 : k.length + v.length), 0);
    if (used + key.length + value.length > this.quota) {
      throw new DOMException("Failed to execute 'setItem' on 'Storage': exceeded the quota.", 'QuotaExceededError');
    }
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  chatIds() {
    return [...this.items.keys()].filter((key) => key.startsWith(PREFIX) && key !== `${PREFIX}index`).map((key) => key.slice(PREFIX.length)).sort();
  }
}

const history = (text: string): ChatMessage[] => [
  { id: 'u', role: 'user', text },
  { id: 'a', role: 'assistant', text: `re: ${text}` },
];

describe('chat storage', () => {
  it('keeps the 20 most recently used chats and removes the keys of the others', () => {
    const storage = new QuotaStorage();
    const chats = createChatStorage(() => storage, { prefix: PREFIX });
    for (let i = 0; i < 30; i++) chats.save(`chat-${i}`, history(`hello ${i}`));
    expect(DEFAULT_KEPT_CHATS).toBe(20);
    expect(chats.ids()).toEqual(Array.from({ length: 20 }, (_, i) => `chat-${29 - i}`));
    expect(storage.chatIds()).toHaveLength(20);
    expect(storage.getItem(`${PREFIX}chat-9`)).toBeNull();
    expect(chats.load('chat-10')).toEqual(history('hello 10'));
  });

  it('counts a load as a use: a chat opened again survives the next new chats', () => {
    const storage = new QuotaStorage();
    const chats = createChatStorage(() => storage, { prefix: PREFIX, keep: 3 });
    for (const id of ['a', 'b', 'c']) chats.save(id, history(id));
    expect(chats.load('a')).toEqual(history('a')); // opened again: now the most recent
    chats.save('d', history('d'));
    expect(storage.chatIds()).toEqual(['a', 'c', 'd']);
    expect(chats.load('b')).toEqual([]);
    expect(chats.ids()).toEqual(['d', 'a', 'c']); // loading a dropped chat does not list it
  });

  it('adopts chats saved before the index existed, after the listed ones, and prunes them', () => {
    const storage = new QuotaStorage();
    for (let i = 0; i < 25; i++) storage.setItem(`${PREFIX}old-${i}`, JSON.stringify(history(`old ${i}`)));
    storage.setItem('another-app', 'kept');
    const chats = createChatStorage(() => storage, { prefix: PREFIX });
    chats.save('new', history('new'));
    expect(chats.ids()).toHaveLength(20);
    expect(chats.ids()[0]).toBe('new');
    expect(storage.chatIds()).toHaveLength(20);
    expect(storage.getItem('another-app')).toBe('kept');
  });

  it('a save over the quota drops the oldest other chat and retries once; it never throws', () => {
    const entry = JSON.stringify(history('x'.repeat(1000))).length + PREFIX.length + 10;
    const storage = new QuotaStorage(entry * 3 + 200); // room for three chats and the index
    const chats = createChatStorage(() => storage, { prefix: PREFIX });
    for (const id of ['one', 'two', 'three']) chats.save(id, history('x'.repeat(1000)));
    expect(storage.chatIds()).toEqual(['one', 'three', 'two']);

    chats.save('four', history('y'.repeat(1000)));
    expect(storage.chatIds()).toEqual(['four', 'three', 'two']); // 'one', the oldest, made room
    expect(chats.load('four')).toEqual(history('y'.repeat(1000)));
    expect(chats.ids()).toEqual(['four', 'three', 'two']);

    // Bigger than the whole quota: one retry after dropping one chat, then the save gives up without throwing.
    const calls = storage.setCalls;
    expect(() => chats.save('huge', history('z'.repeat(20_000)))).not.toThrow();
    expect(storage.getItem(`${PREFIX}huge`)).toBeNull();
    expect(storage.chatIds()).toHaveLength(2); // exactly one chat was dropped for it
    expect(storage.setCalls - calls).toBeLessThanOrEqual(4); // index, try, index after the drop, retry
  });

  it('storage that throws on access, or unreadable saves, read as nothing saved', () => {
    const disabled = createChatStorage(
      () => {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
      { prefix: PREFIX },
    );
    expect(() => disabled.save('a', history('a'))).not.toThrow();
    expect(disabled.load('a')).toEqual([]);
    expect(disabled.ids()).toEqual([]);

    const storage = new QuotaStorage();
    storage.setItem(`${PREFIX}index`, '{not json');
    storage.setItem(`${PREFIX}broken`, '{not json');
    storage.setItem(`${PREFIX}object`, '{"role":"user"}');
    const chats = createChatStorage(() => storage, { prefix: PREFIX });
    expect(chats.load('broken')).toEqual([]);
    expect(chats.load('object')).toEqual([]);
    chats.save('fine', history('fine'));
    expect(chats.ids()[0]).toBe('fine');
    expect(JSON.parse(storage.getItem(`${PREFIX}index`)!)).toContain('fine');
  });
});
