import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import { InnominatusError, StepError, StoreError } from '../errors';
import { aesGcmEncrypter, ephemeralEncrypter, seal, unseal, type Encrypter } from '../journal/encrypter';
import { MemoryJournal } from '../journal/memory-journal';
import type { JournaledError, LeaseFence, RunJournal, RunRecord, StepRecord } from '../journal/types';
import type { LoadedWorkflow, Workflow } from '../model/workflow';
import { redact, reveal, sensitiveStrings, scrubText, scrubValue } from '../sensitive/sensitive';
import type { StepDefinition } from '../steps/define-step';
import { StepRegistry } from '../steps/step-registry';
import { silentLogger, type Logger } from '../util/logger';
import { keptSteps } from './kept-steps';
import { compileWorkflow, withPosition, type CompiledWorkflow, type CompileOptions, type RetryPolicy, type RunContext } from './compile-workflow';
import type { EngineEvents } from './events';
import { redactingLogger } from './redacting-logger';
import { createStepMemo } from './step-memo';
import { runStep } from './step-runner';

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
}

/** Options of {@link Engine.run}. */
export interface RunOptions {
  parameters?: Record<string, unknown>;
  context?: RunContext;
  /** Default: a random UUID. Give a stable id to make a run's journal idempotent. */
  runId?: string;
  /** Aborting it cancels the run at once: the running step is aborted, the run is `cancelled`. */
  signal?: AbortSignal;
  /**
   * Aborting it stops the run before its next step, letting the running step
   * finish: the run rejects with `RUN_PAUSED` (retryable) and stays resumable
   * as it is. For graceful shutdown.
   */
  pause?: AbortSignal;
  /**
   * Carried by every journal write of the run: the journal (a store) refuses
   * each write once the lease is another's, with `LEASE_LOST`, and the run
   * stops there without recording anything more. Set by the orchestrator.
   */
  fence?: LeaseFence;
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
  const encrypter =
    options.encrypter === undefined
      ? ephemeralEncrypter()
      : typeof options.encrypter === 'string' || Buffer.isBuffer(options.encrypter)
        ? aesGcmEncrypter(options.encrypter)
        : options.encrypter;
  const logger = options.logger ?? silentLogger;
  const events = new EventEmitter<EngineEvents>();
  const cache = new WeakMap<object, CompiledWorkflow>();
  const compileOptions: CompileOptions = options.defaultRetry ? { defaultRetry: options.defaultRetry } : {};

  const compile = (w: Workflow | LoadedWorkflow): CompiledWorkflow => {
    const loaded: LoadedWorkflow = 'workflow' in w && !('kind' in w) ? (w as LoadedWorkflow) : { workflow: w as Workflow };
    let c = cache.get(loaded.workflow);
    if (!c) {
      c = compileWorkflow(loaded.workflow, steps, { ...compileOptions, ...(loaded.source ? { source: loaded.source } : {}) });
      cache.set(loaded.workflow, c);
    }
    return c;
  };

  const write = async (what: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      if (InnominatusError.is(err) && !isJournalFailure(err.code)) throw err;
      throw new StoreError('JOURNAL_ERROR', `could not write ${what} to the run journal: ${err instanceof Error ? err.message : String(err)}`, {
        retryable: true,
      });
    }
  };

  // A listener that throws must not break a run or hide its real error.
  const emit = <K extends keyof EngineEvents>(name: K, payload: Parameters<EngineEvents[K]>[0]): void => {
    if (!events.listenerCount(name)) return;
    try {
      (events.emit as (n: K, p: unknown) => boolean)(name, payload);
    } catch (err) {
      logger.error(`a listener of '${name}' threw`, { error: String((err as Error)?.message ?? err) });
    }
  };

  // Runs in progress in this engine: a second run or resume of one is refused.
  const active = new Set<string>();

  interface Start {
    compiled: CompiledWorkflow;
    run: RunRecord;
    /** Unsealed parameters and context when they are already at hand (a new run). */
    values?: { parameters: Record<string, unknown>; context: RunContext };
    previous: StepRecord[];
    resumed: boolean;
    signal?: AbortSignal;
    pause?: AbortSignal;
    fence?: LeaseFence;
  }

  async function execute({ compiled, run, values, previous, resumed, signal, pause, fence }: Start): Promise<RunResult> {
    const runId = run.runId;
    const wfName = compiled.workflow.metadata.name;
    const startedAt = Date.now();
    const now = () => new Date().toISOString();
    const known = new Set<string>();
    let current: { name: string; index: number; type: string; started: number; attempts: number } | undefined;
    // The running step's remembered values as journaled, kept in its failure record for a resume.
    let memoSealed: unknown;
    try {
      const parameters = values?.parameters ?? (unseal(run.parameters, encrypter, runId) as Record<string, unknown>);
      const context = values?.context ?? (unseal(run.context, encrypter, runId) as RunContext);
      const scope = compiled.newScope(parameters, context, { id: runId, attempt: run.attempt });
      // Secrets known so far, grown as vars and step outputs arrive (for scrubbing free text).
      sensitiveStrings(parameters, known);
      sensitiveStrings(context, known);
      emit('run:started', { runId, workflow: wfName, at: now(), attempt: run.attempt, resumed });
      compiled.evaluateVars(scope);
      sensitiveStrings(scope.get('vars'), known);
      const done = keptSteps(compiled, previous);
      for (const step of compiled.steps) {
        const name = step.spec.name;
        const base = { runId, workflow: wfName, step: name, type: step.definition.type, index: step.index };
        const prior = done.get(step.index);
        if (prior?.status === 'succeeded') {
          const restored = unseal(prior.outputs ?? {}, encrypter, runId);
          sensitiveStrings(restored, known);
          scope.setEntry('steps', name, { outputs: restored, skipped: false });
          continue;
        }
        if (prior?.status === 'skipped') {
          scope.setEntry('steps', name, { outputs: {}, skipped: true });
          continue;
        }
        if (signal?.aborted) throw new StepError('RUN_ABORTED', name, `run '${runId}' was cancelled before step '${name}'`);
        if (pause?.aborted)
          throw new StepError('RUN_PAUSED', name, `run '${runId}' was paused before step '${name}'; resume it to continue`, { retryable: true });
        if (step.condition) {
          const cond = reveal(withPosition(compiled.source, () => step.condition!.render(scope)));
          if (typeof cond !== 'boolean') {
            throw withPosition(compiled.source, () => {
              throw new StepError('STEP_INPUT_INVALID', name, `step '${name}': 'if' must give true or false (got ${typeof cond})`, {
                path: `/steps/${step.index}/if`,
              });
            });
          }
          if (!cond) {
            await write(`step '${name}'`, () =>
              journal.putStep(
                { runId, index: step.index, name, type: step.definition.type, status: 'skipped', attempt: 0, startedAt: now(), endedAt: now() },
                fence,
              ),
            );
            scope.setEntry('steps', name, { outputs: {}, skipped: true });
            emit('step:skipped', { ...base, at: now(), reason: "'if' was false" });
            continue;
          }
        }
        const input = withPosition(compiled.source, () => step.input.render(scope)) as Record<string, unknown>;
        const stepStarted = Date.now();
        const cur = { name, index: step.index, type: step.definition.type, started: stepStarted, attempts: 1 };
        current = cur;
        const startedIso = now();
        const started: StepRecord = { runId, index: step.index, name, type: step.definition.type, status: 'started', attempt: 1, startedAt: startedIso };
        // What the step remembered in an earlier attempt of this run stays, so a resumed step sees the same values.
        const remembered = prior?.memo === undefined ? {} : (unseal(prior.memo, encrypter, runId) as Record<string, unknown>);
        const stepSecrets = sensitiveStrings(input, new Set(known));
        sensitiveStrings(remembered, stepSecrets);
        const memo = createStepMemo(remembered, async (values) => {
          sensitiveStrings(values, stepSecrets);
          sensitiveStrings(values, known);
          memoSealed = seal(values, encrypter, runId);
          await write(`step '${name}'`, () => journal.putStep({ ...started, attempt: cur.attempts, memo: memoSealed }, fence));
        });
        memoSealed = prior?.memo;
        await write(`step '${name}'`, () => journal.putStep({ ...started, ...(memoSealed === undefined ? {} : { memo: memoSealed }) }, fence));
        emit('step:started', { ...base, at: startedIso, attempt: 1 });
        const outputs = await runStep({
          step,
          runId,
          input,
          ...(signal ? { signal } : {}),
          logger: redactingLogger(logger, stepSecrets, { runId, step: name }),
          secrets: stepSecrets,
          remember: memo.remember,
          onProgress: (p) => {
            if (!events.listenerCount('step:progress')) return;
            emit('step:progress', {
              ...base,
              at: now(),
              message: scrubText(String(p.message), stepSecrets),
              ...(p.data ? { data: scrubData(p.data, stepSecrets) } : {}),
            });
          },
          onRetry: (attempt, delayMs, error) => {
            cur.attempts = attempt;
            emit('step:retrying', { ...base, at: now(), attempt, delayMs, error: journaled(error, name) });
          },
        });
        await write(`step '${name}'`, () =>
          journal.putStep(
            {
              runId,
              index: step.index,
              name,
              type: step.definition.type,
              status: 'succeeded',
              attempt: cur.attempts,
              outputs: seal(outputs, encrypter, runId),
              startedAt: startedIso,
              endedAt: now(),
            },
            fence,
          ),
        );
        sensitiveStrings(outputs, known);
        scope.setEntry('steps', name, { outputs, skipped: false });
        if (events.listenerCount('step:succeeded')) {
          emit('step:succeeded', { ...base, at: now(), outputs: redact(outputs), durationMs: Date.now() - stepStarted });
        }
        current = undefined;
      }
      const outputs = compiled.renderOutputs(scope);
      await write('the run result', () => journal.updateRun(runId, { status: 'succeeded', outputs: seal(outputs, encrypter, runId), updatedAt: now() }, fence));
      if (events.listenerCount('run:succeeded')) {
        emit('run:succeeded', { runId, workflow: wfName, at: now(), outputs: redact(outputs), durationMs: Date.now() - startedAt });
      }
      return { runId, status: 'succeeded', outputs };
    } catch (raw) {
      const err = normalize(raw, known);
      Object.defineProperty(err, 'runId', { value: runId, enumerable: true, configurable: true });
      const record = journaled(err, current?.name);
      // A paused run stays as the journal has it, ready to resume; a run whose lease was lost is the new holder's to record.
      if (err.code !== 'JOURNAL_ERROR' && err.code !== 'RUN_PAUSED' && err.code !== 'LEASE_LOST') {
        try {
          if (current) {
            await journal.putStep(
              {
                runId,
                index: current.index,
                name: current.name,
                type: current.type,
                status: 'failed',
                attempt: current.attempts,
                error: record,
                ...(memoSealed === undefined ? {} : { memo: memoSealed }),
                startedAt: new Date(current.started).toISOString(),
                endedAt: now(),
              },
              fence,
            );
          }
          await journal.updateRun(runId, { status: err.code === 'RUN_ABORTED' ? 'cancelled' : 'failed', error: record, updatedAt: now() }, fence);
        } catch (journalErr) {
          logger.error('could not record the failure in the run journal', {
            runId,
            error: scrubText(String((journalErr as Error)?.message ?? journalErr), known),
          });
        }
      }
      if (current) {
        emit('step:failed', {
          runId,
          workflow: wfName,
          step: current.name,
          type: current.type,
          index: current.index,
          at: now(),
          error: record,
          durationMs: Date.now() - current.started,
        });
      }
      if (err.code === 'RUN_PAUSED') {
        emit('run:paused', { runId, workflow: wfName, at: now(), beforeStep: (err as StepError).step, durationMs: Date.now() - startedAt });
      } else {
        emit('run:failed', { runId, workflow: wfName, at: now(), error: record, durationMs: Date.now() - startedAt });
      }
      throw err;
    }
  }

  const exclusive = async (runId: string, fn: () => Promise<RunResult>): Promise<RunResult> => {
    if (active.has(runId)) throw new StoreError('RUN_ACTIVE', `run '${runId}' is already running in this engine`);
    active.add(runId);
    try {
      return await fn();
    } finally {
      active.delete(runId);
    }
  };

  return {
    events,
    journal,
    steps,
    compile,
    async run(workflow, opts = {}) {
      const loaded: LoadedWorkflow = 'workflow' in workflow && !('kind' in workflow) ? (workflow as LoadedWorkflow) : { workflow: workflow as Workflow };
      const compiled = compile(loaded);
      const parameters = compiled.validateParameters(opts.parameters ?? {});
      const runId = opts.runId ?? randomUUID();
      return exclusive(runId, async () => {
        const at = new Date().toISOString();
        const context = opts.context ?? {};
        const record: RunRecord = {
          runId,
          workflow: loaded.workflow,
          parameters: seal(parameters, encrypter, runId),
          context: seal(context, encrypter, runId),
          status: 'running',
          attempt: 1,
          createdAt: at,
          updatedAt: at,
        };
        await write(`run '${runId}'`, () => journal.createRun(record, opts.fence));
        return execute({
          compiled,
          run: record,
          values: { parameters, context },
          previous: [],
          resumed: false,
          ...(opts.signal ? { signal: opts.signal } : {}),
          ...(opts.pause ? { pause: opts.pause } : {}),
          ...(opts.fence ? { fence: opts.fence } : {}),
        });
      });
    },
    async resume(runId, opts = {}) {
      return exclusive(runId, async () => {
        const run = await journal.getRun(runId);
        if (!run) throw new StoreError('RUN_NOT_FOUND', `run '${runId}' is not in the journal`);
        if (run.status === 'succeeded') {
          return { runId, status: 'succeeded', outputs: unseal(run.outputs ?? {}, encrypter, runId) as Record<string, unknown> };
        }
        const compiled = compile(run.workflow);
        const previous = await journal.listSteps(runId);
        const attempt = run.attempt + 1;
        await write(`run '${runId}'`, () => journal.updateRun(runId, { status: 'running', attempt, updatedAt: new Date().toISOString() }, opts.fence));
        return execute({
          compiled,
          run: { ...run, attempt },
          previous,
          resumed: true,
          ...(opts.signal ? { signal: opts.signal } : {}),
          ...(opts.pause ? { pause: opts.pause } : {}),
          ...(opts.fence ? { fence: opts.fence } : {}),
        });
      });
    },
  };
}

/** A failure of the journal's store itself (any store package's `STORE_*` code), which a later try may not meet. */
function isJournalFailure(code: string): boolean {
  return code === 'JOURNAL_ERROR' || code.startsWith('STORE_');
}

function normalize(err: unknown, secrets: Set<string>): InnominatusError<string> {
  if (InnominatusError.is(err)) {
    const scrubbed = scrubText(err.message, secrets);
    if (scrubbed !== err.message) Object.defineProperty(err, 'message', { value: scrubbed, configurable: true, writable: true });
    return err;
  }
  const message = err instanceof Error ? err.message : String(err);
  return new InnominatusError('INTERNAL', scrubText(message, secrets));
}

function journaled(err: InnominatusError<string>, step: string | undefined): JournaledError {
  const e: JournaledError = { code: err.code, message: err.message, retryable: err.retryable };
  const s = (err as { step?: string }).step ?? step;
  if (s) e.step = s;
  if (err.path) e.path = err.path;
  // StepErrors carry the step's own error as a scrubbed chain of coded errors (see causeChain).
  if (InnominatusError.is(err.cause)) e.cause = journaled(err.cause, undefined);
  return e;
}

function scrubData(data: Record<string, unknown>, secrets: Set<string>): Record<string, unknown> {
  const v = scrubValue(data, secrets);
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
}
