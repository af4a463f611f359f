import {
  context as otelContext,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type Tracer,
  type Attributes,
} from '@opentelemetry/api';
import type { EventEmitter } from 'eventemitter3';
import type { OrchestratorEvents } from '../orchestrator/types';

/** The instrumentation name of the spans {@link traceRuns} makes. */
export const TRACER_NAME = '@innominatus/core';
/** Submissions remembered as the parent of their resources' next runs (the oldest is forgotten first). */
export const MAX_REMEMBERED_SUBMISSIONS = 10_000;

/** Options of {@link traceRuns}. */
export interface TraceRunsOptions {
  /** Default: the global tracer provider's tracer (a no-op until an SDK registers one). */
  tracer?: Tracer;
  /** The provider serving a resource type, for the `innominatus.provider` attribute. */
  providerOf?: (type: string) => string | undefined;
}

/** What {@link traceRuns} returns. */
export interface RunTracing {
  /** The next runs of these resources become children of `parent` (default: the active context), e.g. the submitting request's span. */
  submitted(resourceIds: readonly string[], parent?: Context): void;
  /** Stops listening; open spans are ended as `interrupted`. */
  stop(): void;
}

interface OpenRun {
  span: Span;
  /** The run's parent context: the context of its steps' spans is made from it when a step starts (one held per run in flight cost ~0.5 KiB). */
  parent: Context;
  steps: Map<number, Span>;
}

/**
 * Makes OpenTelemetry spans of an orchestrator's runs from its events:
 * `innominatus.run` per run (attributes: application, resource, type,
 * provider, workflow, attempt, outcome) with one `innominatus.step` child per
 * step (step name and type, attempt, outcome; retries as span events). A run
 * is the child of the submission its resource was last {@link RunTracing.submitted}
 * in. Spans carry names, types, counts and error codes only: never a value,
 * output or message. Through `@opentelemetry/api`, so without an SDK it costs
 * next to nothing.
 */
export function traceRuns(events: EventEmitter<OrchestratorEvents>, options: TraceRunsOptions = {}): RunTracing {
  const tracer = options.tracer ?? trace.getTracer(TRACER_NAME);
  const parents = new Map<string, Context>();
  const types = new Map<string, string>();
  const runs = new Map<string, OpenRun>();
  const at = (iso: string) => new Date(iso);

  const handlers: { [K in keyof OrchestratorEvents]?: OrchestratorEvents[K] } = {
    'resource:transition': (e) => {
      types.set(e.resourceId, e.type);
      if (types.size > MAX_REMEMBERED_SUBMISSIONS) types.delete(types.keys().next().value!);
    },
    'run:started': (e) => {
      const type = types.get(e.resourceId);
      const provider = type ? options.providerOf?.(type) : undefined;
      const parent = parents.get(e.resourceId) ?? ROOT_CONTEXT;
      const span = tracer.startSpan('innominatus.run', { kind: SpanKind.INTERNAL, startTime: at(e.at), attributes: runAttributes(e, type, provider) }, parent);
      runs.set(e.runId, { span, parent, steps: new Map() });
    },
    'run:succeeded': (e) => endRun(runs, e.runId, 'succeeded', e.at),
    'run:failed': (e) => endRun(runs, e.runId, 'failed', e.at, e.error.code),
    'run:paused': (e) => endRun(runs, e.runId, 'paused', e.at),
    'step:started': (e) => {
      const run = runs.get(e.runId);
      if (!run) return;
      const attributes = { ...stepAttributes(e), 'innominatus.attempt': e.attempt, 'innominatus.workflow': e.workflow };
      run.steps.set(e.index, tracer.startSpan('innominatus.step', { kind: SpanKind.INTERNAL, startTime: at(e.at), attributes }, runContext(run)));
    },
    'step:retrying': (e) => {
      runs
        .get(e.runId)
        ?.steps.get(e.index)
        ?.addEvent('retry', { 'innominatus.attempt': e.attempt, 'innominatus.delay_ms': e.delayMs, 'innominatus.error.code': e.error.code }, at(e.at));
    },
    'step:succeeded': (e) => endStep(runs, e.runId, e.index, 'succeeded', e.at),
    'step:failed': (e) => endStep(runs, e.runId, e.index, 'failed', e.at, e.error.code),
    'step:skipped': (e) => {
      const run = runs.get(e.runId);
      if (!run) return;
      const attributes = { ...stepAttributes(e), 'innominatus.outcome': 'skipped' };
      tracer.startSpan('innominatus.step', { startTime: at(e.at), attributes }, runContext(run)).end(at(e.at));
    },
  };

  for (const [name, fn] of Object.entries(handlers)) events.on(name as keyof OrchestratorEvents, fn as never);
  return {
    submitted(resourceIds, parent = otelContext.active()) {
      for (const id of resourceIds) {
        parents.delete(id);
        parents.set(id, parent);
        if (parents.size > MAX_REMEMBERED_SUBMISSIONS) parents.delete(parents.keys().next().value!);
      }
    },
    stop() {
      for (const [name, fn] of Object.entries(handlers)) events.off(name as keyof OrchestratorEvents, fn as never);
      for (const runId of [...runs.keys()]) endRun(runs, runId, 'interrupted');
    },
  };
}

/** The context of an open run's steps: its parent's with the run's span. */
function runContext(run: OpenRun): Context {
  return trace.setSpan(run.parent, run.span);
}

/** The attributes of a run's span: names, ids and counts, never a value. */
function runAttributes(e: Parameters<OrchestratorEvents['run:started']>[0], type: string | undefined, provider: string | undefined): Attributes {
  return {
    'innominatus.application': e.application,
    'innominatus.resource': e.name,
    'innominatus.resource.id': e.resourceId,
    ...(type ? { 'innominatus.resource.type': type } : {}),
    ...(provider ? { 'innominatus.provider': provider } : {}),
    'innominatus.workflow': e.workflow,
    'innominatus.run.id': e.runId,
    'innominatus.attempt': e.attempt,
    'innominatus.resumed': e.resumed,
  };
}

/** The attributes every step span has: the step's name, type and place. */
function stepAttributes(e: { step: string; type: string; index: number }): Attributes {
  return { 'innominatus.step': e.step, 'innominatus.step.type': e.type, 'innominatus.step.index': e.index };
}

/** Ends a span with its outcome; an error code sets the error status, a success the OK status. */
function endSpan(span: Span, outcome: string, iso: string | undefined, code?: string): void {
  span.setAttribute('innominatus.outcome', outcome);
  if (code) {
    span.setAttribute('innominatus.error.code', code);
    span.setStatus({ code: SpanStatusCode.ERROR, message: code });
  } else if (outcome === 'succeeded') span.setStatus({ code: SpanStatusCode.OK });
  span.end(iso ? new Date(iso) : undefined);
}

/** Ends the span of a step of an open run (a step never started is ignored). */
function endStep(runs: Map<string, OpenRun>, runId: string, index: number, outcome: string, iso: string, code?: string): void {
  const run = runs.get(runId);
  const span = run?.steps.get(index);
  if (!run || !span) return;
  run.steps.delete(index);
  endSpan(span, outcome, iso, code);
}

/** Ends an open run's span, and the spans of its steps still open as `interrupted`. */
function endRun(runs: Map<string, OpenRun>, runId: string, outcome: string, iso?: string, code?: string): void {
  const run = runs.get(runId);
  if (!run) return;
  runs.delete(runId);
  for (const step of run.steps.values()) endSpan(step, 'interrupted', iso);
  endSpan(run.span, outcome, iso, code);
}
