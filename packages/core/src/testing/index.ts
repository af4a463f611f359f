/**
 * `@innominatus/core/testing`: helpers for testing steps, workflows and stores.
 * @packageDocumentation
 */
export { createMockStepContext } from './mock-step-context';
export type { MockStepContext, CapturedLog } from './mock-step-context';
export { describeStoreConformance } from './store-conformance';
export type { StoreHarness, StoreConformanceOptions } from './store-conformance';
export { staticResolver } from '../orchestrator/static-resolver';
