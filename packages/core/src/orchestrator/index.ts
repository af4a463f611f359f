export { createOrchestrator, runIdFor } from './orchestrator';
export { staticResolver } from './static-resolver';
export type {
  Orchestrator, OrchestratorOptions, OrchestratorEvents, OrchestratorRetry, OrchestratorResolution, ResourceResolver, ResourceRequest,
  ResourceTransitionEvent, ResourceRetryingEvent,
} from './types';
export { TRANSITIONS, WORKING_STATE, DONE_STATE, canTransition, transition } from './lifecycle';
export type { TransitionRequest } from './lifecycle';
