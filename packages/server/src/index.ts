export { createRelay } from './relay.js';
export { memoryStore, type MemoryStoreOptions } from './memory-store.js';
export { redisStore, type RedisStoreOptions } from './redis-store.js';
export { toNodeHandler, type NodeHandlerOptions } from './node.js';
export { StoreTimeoutError } from './store-timeout.js';
export type { HandleOptions, Relay, RelayOptions, RelayStats, RelayStore, ReadResult, RunMeta, StoredEvent, StreamRef,
  Upstream } from './types.js';
