export { createEngine } from './engine';
export type { Engine, EngineOptions, RunOptions, ResumeOptions, RunResult } from './engine';
export { compileWorkflow, CompiledWorkflow } from './compile-workflow';
export type { CompiledStep, CompiledOutput, RetryPolicy, RunContext, ResourceContext, CompileOptions } from './compile-workflow';
export type { EngineEvents, RunEventBase, StepEventBase } from './events';
export { ENGINE_EVENT_NAMES } from './events';
export { parameterSchema, validateParameters } from './parameters';
export { redactingLogger } from './redacting-logger';
