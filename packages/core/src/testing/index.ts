/**
 * `@innominatus/core/testing`: helpers for testing steps, workflows and stores.
 * @packageDocumentation
 */
export { createMockStepContext } from './mock-step-context';
export type { MockStepContext, CapturedLog } from './mock-step-context';
// The store conformance suite is `@innominatus/core/testing/store-conformance`
// (ESM only: it runs inside vitest, which cannot be loaded with require()).
export { staticResolver } from '../orchestrator/static-resolver';
export { createFakeClock } from './fake-clock';
export type { FakeClock } from './fake-clock';
