export { createRelay } from './relay.js';
export { memoryStore, type MemoryStoreOptions } from './memory-store.js';
export { redisStore, type RedisStoreOptions } from './redis-store.js';
export { toNodeHandler } from './node.js';
export type { Relay, RelayOptions, RelayStats, RelayStore, ReadResult, StoredEvent, Upstream } from './types.js';
