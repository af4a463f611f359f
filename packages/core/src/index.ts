/**
 * `@innominatus/core`: the workflow language, the step plugin API, the durable
 * engine and the orchestrator. No file, network or database I/O happens here.
 *
 * @packageDocumentation
 */
export * from './errors';
export { Type } from '@sinclair/typebox';
export type { Static, TSchema } from '@sinclair/typebox';

export {
  Sensitive,
  sensitive,
  isSensitive,
  reveal,
  redact,
  revealAll,
  containsSensitive,
  sensitiveStrings,
  scrubText,
  scrubValue,
  REDACTED,
  MAX_VALUE_DEPTH,
} from './sensitive/sensitive';

export type { Workflow, StepSpec, ParameterSpec, ParameterType, OutputSpec, SourceMap, LoadedWorkflow } from './model/workflow';
export type { LongOutput } from './model/workflow';
export { parseDuration, isLongOutput, LONG_OUTPUT_FIELDS, STEP_FIELDS } from './model/workflow';

export {
  analyzeWorkflow,
  analyzeProvider,
  analyzeSharedDefinitions,
  withSharedDefinitions,
  closest,
  didYouMean,
  RESOURCE_FIELDS,
  RUN_FIELDS,
} from './analysis/index';
export type {
  AnalyzeOptions,
  ProviderAnalysisOptions,
  SharedDefinitions,
  SharedWorkflow,
  DefinitionOrigin,
  CompiledParts,
  WorkflowAnalysis,
  AnalysisIssue,
  IssueAnchor,
  IssueCode,
  IssueSeverity,
} from './analysis/index';

export {
  compileExpression,
  expressionReferences,
  CompiledExpression,
  MAX_EXPRESSION_LENGTH,
  MAX_EXPRESSION_COST,
  MAX_STRING_LENGTH,
  MAX_LIST_LENGTH,
  MAX_VALUE_SIZE,
  compileTemplate,
  Template,
  MAX_TEMPLATE_DEPTH,
  hasTemplate,
  formatReference,
  Scope,
  WORKFLOW_VARIABLES,
  CelVariables,
} from './expressions/index';
export type { ExpressionScope, TemplateExpression, CompileTemplateOptions, TemplateProblem, Reference } from './expressions/index';

export { defineStep, stepOutputSchema } from './steps/define-step';
export type { StepDefinition, StepDefinitionInit, StepContext, StepProgress } from './steps/define-step';
export { StepRegistry } from './steps/step-registry';

export type { Logger, PinoLike } from './util/logger';
export { silentLogger, fromPino } from './util/logger';

export type { RunJournal, RunRecord, StepRecord, RunStatus, StepStatus, JournaledError, SealedValue, LeaseFence } from './journal/types';
export { MemoryJournal } from './journal/memory-journal';
export { aesGcmEncrypter, ephemeralEncrypter } from './journal/encrypter';
export type { Encrypter } from './journal/encrypter';
export { verifyEncryptionKey, KEY_CHECK_RUN_ID } from './journal/key-check';

export {
  ProviderRegistry,
  DEFAULT_CLASS,
  mapParameters,
  PROVIDER_OPERATIONS,
  CORE_VERSION,
} from './providers/index';
export type {
  Provider,
  ProviderOperation,
  OperationSpec,
  WorkflowChoice,
  ResourceTypeCapability,
  ProviderWorkflowRef,
  RequiredStep,
  LoadedProvider,
  Resolution,
  ResolveOptions,
  MappedResource,
  ParameterMapping,
} from './providers/index';

export { createEngine, compileWorkflow, CompiledWorkflow, parameterSchema, validateParameters } from './engine/index';
export type {
  Engine,
  EngineOptions,
  RunOptions,
  ResumeOptions,
  RunResult,
  CompiledStep,
  CompiledOutput,
  RetryPolicy,
  RunContext,
  ResourceContext,
  CompileOptions,
  EngineEvents,
  RunEventBase,
  StepEventBase,
} from './engine/index';
export { ENGINE_EVENT_NAMES } from './engine/index';

export * from './store/public';
export { createOrchestrator, runIdFor, planRequest, TRANSITIONS, WORKING_STATE, DONE_STATE, canTransition } from './orchestrator/index';
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
  TransitionRequest,
  LifecycleRequest,
  RequestRefusal,
  AcceptedRequest,
  RefusedRequest,
} from './orchestrator/index';
export { sleepOn, systemClock } from './util/clock';
export type { Clock, ClockTimer } from './util/clock';
