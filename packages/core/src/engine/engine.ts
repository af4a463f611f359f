import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import { StoreError } from '../errors';
import { aesGcmEncrypter, ephemeralEncrypter, seal, unseal, type Encrypter } from '../journal/encrypter';
import { MemoryJournal } from '../journal/memory-journal';
import type { LeaseFence, RunJournal, RunRecord } from '../journal/types';
import type { LoadedWorkflow, Workflow } from '../model/workflow';
import type { StepDefinition } from '../steps/define-step';
import { StepRegistry } from '../steps/step-registry';
import { silentLogger, type Logger } from '../util/logger';
import { systemClock, type Clock } from '../util/clock';
import { compileWorkflow, type CompiledWorkflow, type CompileOptions, type RetryPolicy, type RunContext } from './compile-workflow';
import { journalWrite, type EngineCore } from './engine-core';
import type { EngineEvents } from './events';
import { executeRun } from './run-execution';

/** Options of {@link createEngine}. */
export interface EngineOptions {
  /** Step types workflows may use. */
  steps: StepRegistry | Iterable<StepDefinition<any, any>>;
  /** Where every transition is written before the next begins. Default: in memory. */
  journal?: RunJournal;
  /**
   * Encrypts sensitive values before they reach the journal. A `Buffer` or
   * hex/base64 string is used as an AES-256-GCM key. Default: a random key for
   * this process (runs holding secrets then cannot be resumed by another process).
   */
  encrypter?: Encrypter | Buffer | string;
  logger?: Logger;
  /** Retry policy for steps that set none. */
  defaultRetry?: Partial<RetryPolicy>;
  /** Time each step's timeout (and `ctx.remainingMs()`), the backoff between a step's tries and the steps' own waits (`ctx.clock`) run on (default the system clock); tests pass `createFakeClock()` from `@innominatus/core/testing`. */
  clock?: Clock;
}

/** Options of {@link Engine.run}. */
export interface RunOptions {
  parameters?: Record<string, unknown>;
  /** Absent or undefined: an empty context. */
  context?: RunContext | undefined;
  /** Default: a random UUID. Give a stable id to make a run's journal idempotent. */
  runId?: string;
  /** Aborting it cancels the run at once: the running step is aborted, the run is `cancelled`. */
  signal?: AbortSignal | undefined;
  /**
   * Aborting it stops the run before its next step, letting the running step
   * finish: the run rejects with `RUN_PAUSED` (retryable) and stays resumable
   * as it is. For graceful shutdown.
   */
  pause?: AbortSignal | undefined;
  /**
   * Carried by every journal write of the run: the journal (a store) refuses
   * each write once the lease is another's, with `LEASE_LOST`, and the run
   * stops there without recording anything more. Set by the orchestrator.
   */
  fence?: LeaseFence | undefined;
}

/** Options of {@link Engine.resume}: the signals and fence of {@link RunOptions}. */
export type ResumeOptions = Pick<RunOptions, 'signal' | 'pause' | 'fence'>;

/** The result of a successful run. Sensitive outputs are {@link Sensitive} values. */
export interface RunResult {
  runId: string;
  status: 'succeeded';
  outputs: Record<string, unknown>;
}

/** Runs workflows durably. Make one with {@link createEngine}. */
export interface Engine {
  /** Typed events for every run and step transition and step progress. */
  readonly events: EventEmitter<EngineEvents>;
  readonly journal: RunJournal;
  readonly steps: StepRegistry;
  /** Compiles (and caches) a workflow, throwing on any problem in it. */
  compile(workflow: Workflow | LoadedWorkflow): CompiledWorkflow;
  /**
   * Runs a workflow to its end. Rejects with a typed error (`PARAMETER_INVALID`,
   * `STEP_FAILED`, `STEP_TIMEOUT`, `RUN_ABORTED`, ...) carrying `runId` when it fails.
   */
  run(workflow: Workflow | LoadedWorkflow, options?: RunOptions): Promise<RunResult>;
  /**
   * Continues a run from its journal: steps that succeeded are not run again;
   * the first step that did not succeed runs next. A succeeded run returns its
   * stored result.
   */
  resume(runId: string, options?: ResumeOptions): Promise<RunResult>;
}

/**
 * Creates an engine.
 *
 * @example
 * const engine = createEngine({ steps: [echo] });
 * const { outputs } = await engine.run(workflow, { parameters: { name: 'db' } });
 */
export function createEngine(options: EngineOptions): Engine {
  const steps = StepRegistry.is(options.steps) ? options.steps : new StepRegistry(options.steps);
  const journal = options.journal ?? new MemoryJournal();
  const core: EngineCore = {
    journal,
    encrypter: engineEncrypter(options.encrypter),
    logger: options.logger ?? silentLogger,
    events: new EventEmitter<EngineEvents>(),
    clock: options.clock ?? systemClock,
  };
  const compile = workflowCompiler(steps, options.defaultRetry ? { defaultRetry: options.defaultRetry } : {});
  const exclusive = exclusiveRuns();
  return {
    events: core.events,
    journal,
    steps,
    compile,
    async run(workflow, opts = {}) {
      const loaded = asLoaded(workflow);
      const compiled = compile(loaded);
      const parameters = compiled.validateParameters(opts.parameters ?? {});
      const runId = opts.runId ?? randomUUID();
      return exclusive(runId, () => startRun(core, compiled, loaded.workflow, { ...opts, runId, parameters }));
    },
    async resume(runId, opts = {}) {
      return exclusive(runId, () => resumeRun(core, compile, runId, opts));
    },
  };
}

/** The encrypter of the option: as given, an AES-256-GCM key (a `Buffer` or hex/base64 text), or a random key for this process. */
function engineEncrypter(option: EngineOptions['encrypter']): Encrypter {
  if (option === undefined) return ephemeralEncrypter();
  return typeof option === 'string' || Buffer.isBuffer(option) ? aesGcmEncrypter(option) : option;
}

/** A workflow as given, or a loaded one (a workflow with its source map). */
function asLoaded(w: Workflow | LoadedWorkflow): LoadedWorkflow {
  return 'workflow' in w && !('kind' in w) ? (w as LoadedWorkflow) : { workflow: w as Workflow };
}

/** Compiles a workflow once: compiled workflows are cached by the workflow object. */
function workflowCompiler(steps: StepRegistry, compileOptions: CompileOptions): (w: Workflow | LoadedWorkflow) => CompiledWorkflow {
  const cache = new WeakMap<object, CompiledWorkflow>();
  return (w) => {
    const loaded = asLoaded(w);
    let c = cache.get(loaded.workflow);
    if (!c) {
      c = compileWorkflow(loaded.workflow, steps, { ...compileOptions, ...(loaded.source ? { source: loaded.source } : {}) });
      cache.set(loaded.workflow, c);
    }
    return c;
  };
}

/** Runs one function per run id at a time: a second run or resume of a run in progress in this engine is refused with `RUN_ACTIVE`. */
function exclusiveRuns(): (runId: string, fn: () => Promise<RunResult>) => Promise<RunResult> {
  const active = new Set<string>();
  // Not an async function: a run waits here for its whole life, and a promise's finally holds less than a suspended frame.
  return (runId, fn) => {
    if (active.has(runId)) return Promise.reject(new StoreError('RUN_ACTIVE', `run '${runId}' is already running in this engine`));
    active.add(runId);
    return fn().finally(() => active.delete(runId));
  };
}

/** Journals a new run (its parameters and context sealed) and executes it. */
async function startRun(
  core: EngineCore,
  compiled: CompiledWorkflow,
  workflow: Workflow,
  opts: RunOptions & { runId: string; parameters: Record<string, unknown> },
): Promise<RunResult> {
  const { runId, parameters } = opts;
  const at = new Date().toISOString();
  const context = opts.context ?? {};
  const record: RunRecord = {
    runId,
    workflow,
    parameters: seal(parameters, core.encrypter, runId),
    context: seal(context, core.encrypter, runId),
    status: 'running',
    attempt: 1,
    createdAt: at,
    updatedAt: at,
  };
  await journalWrite(`run '${runId}'`, () => core.journal.createRun(record, opts.fence));
  return executeRun(core, {
    compiled,
    run: record,
    values: { parameters, context },
    previous: [],
    resumed: false,
    signal: opts.signal,
    pause: opts.pause,
    fence: opts.fence,
  });
}

/** Takes up a journaled run at its next attempt (a succeeded run returns its stored result). */
async function resumeRun(core: EngineCore, compile: (w: Workflow) => CompiledWorkflow, runId: string, opts: ResumeOptions): Promise<RunResult> {
  const { journal, encrypter } = core;
  const run = await journal.getRun(runId);
  if (!run) throw new StoreError('RUN_NOT_FOUND', `run '${runId}' is not in the journal`);
  if (run.status === 'succeeded') {
    return { runId, status: 'succeeded', outputs: unseal(run.outputs ?? {}, encrypter, runId) as Record<string, unknown> };
  }
  const compiled = compile(run.workflow);
  const previous = await journal.listSteps(runId);
  const attempt = run.attempt + 1;
  await journalWrite(`run '${runId}'`, () => journal.updateRun(runId, { status: 'running', attempt, updatedAt: new Date().toISOString() }, opts.fence));
  return executeRun(core, {
    compiled,
    run: { ...run, attempt },
    previous,
    resumed: true,
    signal: opts.signal,
    pause: opts.pause,
    fence: opts.fence,
  });
}
