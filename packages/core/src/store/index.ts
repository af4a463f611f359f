/**
 * `@innominatus/core/store`: for implementers of a `Store` (and of a
 * `RunJournal`). Besides the store contract and the in-memory store (also
 * exported by the root entry), the checks every store applies to what it is
 * given, so that all stores refuse the same input with the same error, the
 * lease fence, and the sealing of a journal's sensitive values. The store
 * conformance suite (`@innominatus/core/testing/store-conformance`) checks a
 * store built with them.
 *
 * @packageDocumentation
 */
export * from './public';
export { checkNewResource, checkMetadata, checkPropertiesSize, checkSpec, listLimit, listAlsoIds, specSummary } from './validate';
export { fenceHolds, leaseLostError } from './lease-fence';
export type { LeaseState } from './lease-fence';
export { seal, unseal } from '../journal/encrypter';
