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
export {
  checkNewResource,
  checkMetadata,
  checkPropertiesSize,
  checkSpec,
  listLimit,
  specSummary,
  MAX_NAME_LENGTH,
  MAX_PROPERTIES_BYTES,
  MAX_LIST_LIMIT,
  MAX_SPEC_BYTES,
} from './validate';
export { fenceHolds, leaseLostError } from './lease-fence';
export type { LeaseState } from './lease-fence';
