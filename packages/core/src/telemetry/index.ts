/**
 * `@innominatus/core/telemetry`: OpenTelemetry spans of an orchestrator's runs
 * and steps ({@link traceRuns}). An entry of its own so that importing
 * `@innominatus/core` does not load `@opentelemetry/api` (about 50 modules)
 * in processes that never trace, such as the SDK's CLI.
 *
 * @packageDocumentation
 */
export { traceRuns, TRACER_NAME, MAX_REMEMBERED_SUBMISSIONS } from './trace-runs';
export type { RunTracing, TraceRunsOptions } from './trace-runs';
