/**
 * The store contract and the in-memory store: what a host that only uses a
 * store needs. The root entry and `@innominatus/core/store` both export it.
 */
export type {
  Store,
  ResourceRecord,
  ResourceState,
  Operation,
  TransitionRecord,
  NewResource,
  ResourcePatch,
  ResourceExpectation,
  StateChange,
  ResourceFilter,
  ResourceCountFilter,
  StoredSpec,
  SpecSummary,
  SpecPage,
  StoreTransaction,
} from './types';
export { RESOURCE_STATES } from './types';
export { MemoryStore } from './memory-store';
export type { MemoryStoreOptions } from './memory-store';
export { MAX_NAME_LENGTH, MAX_PROPERTIES_BYTES, MAX_LIST_LIMIT, MAX_ALSO_IDS, MAX_SPEC_BYTES } from './validate';
