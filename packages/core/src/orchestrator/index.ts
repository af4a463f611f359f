export { createOrchestrator } from './orchestrator';
export { staticResolver } from './static-resolver';
export type {
  Orchestrator,
  OrchestratorTransaction,
  OrchestratorOptions,
  OrchestratorEvents,
  OrchestratorRetry,
  OrchestratorForeground,
  OrchestratorResolution,
  ResourceResolver,
  ResourceRequest,
  ResourceTransitionEvent,
  ResourceRetryingEvent,
  ResourceOfRun,
} from './types';
export { TRANSITIONS, WORKING_STATE, DONE_STATE, canTransition, transition, planRequest, runIdFor } from './lifecycle';
export type { TransitionRequest, LifecycleRequest, RequestRefusal, AcceptedRequest, RefusedRequest } from './lifecycle';
