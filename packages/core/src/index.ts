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
  Sensitive, sensitive, isSensitive, reveal, redact, revealAll, containsSensitive, sensitiveStrings, scrubText, REDACTED,
} from './sensitive/sensitive';

export type { Workflow, StepSpec, ParameterSpec, ParameterType, OutputSpec, SourceMap, LoadedWorkflow } from './model/workflow';
export { parseDuration, isLongOutput } from './model/workflow';

export {
  compileExpression, expressionReferences, CompiledExpression, MAX_EXPRESSION_LENGTH, errorOffset,
  compileTemplate, Template, escapePointer, MAX_TEMPLATE_DEPTH, scanTemplate, hasTemplate, formatReference, Scope, WORKFLOW_VARIABLES,
} from './expressions/index';
export type { ExpressionScope, TemplateExpression, CompileTemplateOptions, TemplatePart, Reference } from './expressions/index';

export { defineStep } from './steps/define-step';
export type { StepDefinition, StepDefinitionInit, StepContext, StepProgress } from './steps/define-step';
export { StepRegistry } from './steps/step-registry';

export type { Logger, PinoLike } from './util/logger';
export { silentLogger, fromPino } from './util/logger';

export type { RunJournal, RunRecord, StepRecord, RunStatus, StepStatus, JournaledError, SealedValue } from './journal/types';
export { MemoryJournal } from './journal/memory-journal';
export { aesGcmEncrypter, ephemeralEncrypter, seal, unseal } from './journal/encrypter';
export type { Encrypter } from './journal/encrypter';

export {
  ProviderRegistry, mapParameters, compileParameterMapping, MAPPING_VARIABLES, PROVIDER_OPERATIONS, CORE_VERSION,
} from './providers/index';
export type {
  Provider, ProviderOperation, OperationSpec, WorkflowChoice, ResourceTypeCapability, ProviderWorkflowRef, LoadedProvider,
  Resolution, ResolveOptions, MappedResource, ParameterMapping,
} from './providers/index';
