import pRetry, { AbortError } from 'p-retry';
import { InnominatusError, StepError } from '../errors';
import { isSensitive, MAX_VALUE_DEPTH, revealAll, sensitive, scrubText } from '../sensitive/sensitive';
import type { StepContext, StepProgress } from '../steps/define-step';
import { describeAjvErrors, validatorFor } from '../util/ajv';
import type { Logger } from '../util/logger';
import { sleepOn, type Clock } from '../util/clock';
import type { CompiledStep } from './compile-workflow';
import { StepStop } from './step-stop';
import { TryContext } from './try-context';

/** What a single step execution needs from the engine. */
export interface StepRun {
  step: CompiledStep;
  runId: string;
  /** The rendered input (may hold sensitive values). */
  input: Record<string, unknown>;
  signal: AbortSignal | undefined;
  /** The step's logger, made on the step's first use of `ctx.logger`. */
  logger(): Logger;
  /** Secrets to scrub from free text (messages, errors). */
  secrets: Set<string>;
  onProgress(p: StepProgress): void;
  onRetry(attempt: number, delayMs: number, error: InnominatusError): void;
  /** What the step's timeout, the backoff between tries and the step's own waits (`ctx.clock`) wait on. */
  clock: Clock;
  /** Backs `StepContext.remember` (journaled by the engine). */
  remember: StepContext['remember'];
  /** The iteration of a forEach step (part of the idempotency key). */
  iteration?: number;
}

/**
 * Runs one step: validates the rendered input, calls `run` with a timeout
 * covering every try, retries failures the step marks retryable with
 * exponential backoff (p-retry), and validates and marks the outputs.
 * Errors come back as {@link StepError}s with sensitive text scrubbed.
 */
export async function runStep(r: StepRun): Promise<Record<string, unknown>> {
  const { step } = r;
  const name = step.spec.name;
  const plainInput = clonePlain(revealAll(r.input)) as Record<string, unknown>;
  const validateInput = validatorFor(step.definition.input, true);
  if (!validateInput(plainInput)) {
    const problems = describeAjvErrors(validateInput.errors, 'with').map((p) => scrubText(p, r.secrets));
    throw new StepError('STEP_INPUT_INVALID', name, `step '${name}' (${step.definition.type}): invalid input: ${problems.join('; ')}`, {
      path: `${step.pointer}/with`,
    });
  }

  // The step's timeout and what is left of it run on the engine's clock, as the step's own waits do.
  const started = r.clock.now();
  const stop = new StepStop(
    step.timeoutMs,
    r.signal,
    () => new StepError('STEP_TIMEOUT', name, `step '${name}' timed out after ${formatMs(step.timeoutMs)}`, { path: `${step.pointer}/timeout` }),
    r.clock,
  );
  let attempt = 0;
  const tryOnce = (): Promise<unknown> => {
    attempt++;
    return stop.race(step.definition.run(clonePlain(plainInput) as never, new TryContext(r, stop, attempt, started)));
  };
  try {
    const raw = await runTries(tryOnce, stop, r);
    return checkOutputs(raw, step, r.secrets);
  } catch (err) {
    throw toStepError(err, name, r.secrets, stop);
  } finally {
    stop.dispose();
  }
}

/**
 * The step's tries. The first runs directly (most steps succeed at once, and
 * p-retry's set-up was a large part of the cost of a step); a step without
 * retries fails as p-retry fails a last try. When the first try of a step
 * with retries fails, p-retry takes over from that failure as if it had run
 * the try itself: it classifies the error, waits the backoff and runs the
 * next tries (see {@link retryAfter}).
 */
async function runTries(tryOnce: () => Promise<unknown>, stop: StepStop, r: StepRun): Promise<unknown> {
  stop.throwIfAborted();
  let failure: unknown;
  try {
    const result = await tryOnce();
    stop.throwIfAborted();
    return result;
  } catch (error) {
    failure = error;
  }
  if (r.step.retry.attempts > 1) return retryAfter(failure, tryOnce, stop, r);
  // What p-retry throws for a failed last try.
  if (failure instanceof AbortError) throw (failure as AbortError & { originalError: Error }).originalError;
  throw failure instanceof Error ? failure : new TypeError(`Non-error was thrown: "${failure}". You should only throw errors.`);
}

/**
 * Hands a failed first try to p-retry: its first "try" gives back that
 * failure, the later ones run the step, so attempt numbers, backoff and
 * which errors are retried are p-retry's. Only errors the step marks
 * retryable are retried, with exponential backoff.
 */
function retryAfter(failure: unknown, tryOnce: () => Promise<unknown>, stop: StepStop, r: StepRun): Promise<unknown> {
  const { retry, spec } = r.step;
  const signal = stop.signal;
  let replayed = false;
  return pRetry(
    () => {
      if (replayed) return tryOnce();
      replayed = true;
      return Promise.reject(failure);
    },
    {
      retries: retry.attempts - 1,
      // The backoff is waited here, on the engine's clock, not on p-retry's own timer.
      minTimeout: 0,
      maxTimeout: 0,
      signal,
      shouldRetry: async ({ error, retriesLeft, attemptNumber }) => {
        if (signal.aborted || !InnominatusError.is(error) || !error.retryable || retriesLeft <= 0) return false;
        const delay = Math.min(retry.maxBackoffMs, retry.backoffMs * 2 ** (attemptNumber - 1));
        r.onRetry(attemptNumber + 1, delay, toStepError(error, spec.name, r.secrets, stop));
        await sleepOn(r.clock, delay, signal);
        return true;
      },
    },
  );
}

function checkOutputs(raw: unknown, step: CompiledStep, secrets: Set<string>): Record<string, unknown> {
  const name = step.spec.name;
  const outputs = (raw ?? {}) as Record<string, unknown>;
  const validate = validatorFor(step.definition.output, false);
  if (typeof outputs !== 'object' || Array.isArray(outputs) || !validate(clonePlain(revealAll(outputs)))) {
    const problems = typeof outputs !== 'object' || Array.isArray(outputs) ? ['outputs must be an object'] : describeAjvErrors(validate.errors, 'outputs');
    throw new StepError(
      'STEP_OUTPUT_INVALID',
      name,
      `step '${name}' (${step.definition.type}) returned outputs that break its schema: ${problems.map((p) => scrubText(p, secrets)).join('; ')}`,
    );
  }
  const marked = markSensitive(outputs, step.outputSchema as Record<string, unknown>);
  return (
    secrets.size
      ? taintEchoes(
          marked,
          [...secrets].filter((s) => s.length >= 3),
        )
      : marked
  ) as Record<string, unknown>;
}

/** Marks any output string that contains a secret of the step's input as sensitive (a step echoing a secret). */
function taintEchoes(value: unknown, secrets: string[], depth = 0): unknown {
  if (isSensitive(value) || depth > MAX_VALUE_DEPTH) return value;
  if (typeof value === 'string') return secrets.some((s) => value.includes(s)) ? sensitive(value) : value;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => taintEchoes(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = taintEchoes(v, secrets, depth + 1);
  return out;
}

/**
 * Wraps values whose schema says `"x-sensitive": true`. Where the schema
 * branches in ways this walk does not follow (`anyOf`, `oneOf`, `allOf`,
 * `patternProperties`) and a branch holds a sensitive field, the whole value
 * is treated as sensitive.
 */
export function markSensitive(value: unknown, schema: Record<string, unknown> | undefined, depth = 0): unknown {
  if (!schema || isSensitive(value)) return value;
  // Most output schemas mark nothing: the value comes back as it is, without a walk (the answer is kept per schema object).
  if (depth === 0 && !schemaMarksSensitive(schema)) return value;
  if (depth > MAX_VALUE_DEPTH) return hasSensitiveKeyword(schema) ? sensitive(value) : value;
  if (schema['x-sensitive'] === true) return sensitive(value);
  for (const k of ['anyOf', 'oneOf', 'allOf', 'patternProperties', 'not', 'if', 'then', 'else']) {
    if (schema[k] !== undefined && hasSensitiveKeyword(schema[k])) return sensitive(value);
  }
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const items = schema.items as Record<string, unknown> | undefined;
    return items ? value.map((v) => markSensitive(v, items, depth + 1)) : value;
  }
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const extra = typeof schema.additionalProperties === 'object' ? (schema.additionalProperties as Record<string, unknown>) : undefined;
  if (!extra && !Object.values(props).some((p) => hasSensitiveKeyword(p))) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = markSensitive(v, props[k] ?? extra, depth + 1);
  return out;
}

const marksSensitive = new WeakMap<object, boolean>();

/**
 * Whether `schema` may have `"x-sensitive": true` somewhere, computed once per
 * schema object: false only when the whole schema was searched and holds none
 * (a schema nested deeper than the search counts as marking, so that
 * {@link markSensitive} walks it as before).
 */
function schemaMarksSensitive(schema: Record<string, unknown>): boolean {
  let marks = marksSensitive.get(schema);
  if (marks === undefined) {
    marks = hasSensitiveKeyword(schema);
    marksSensitive.set(schema, marks);
  }
  return marks;
}

/** True: a sensitive keyword found; false: none anywhere; undefined: deeper than the search goes. */
function searchSensitive(schema: unknown, depth: number): boolean | undefined {
  if (typeof schema !== 'object' || schema === null) return false;
  if (depth > MAX_VALUE_DEPTH) return undefined;
  if ((schema as Record<string, unknown>)['x-sensitive'] === true) return true;
  let complete = true;
  for (const v of Object.values(schema)) {
    const found = searchSensitive(v, depth + 1);
    if (found) return true;
    if (found === undefined) complete = false;
  }
  return complete ? false : undefined;
}

/**
 * Whether `schema` may mark something sensitive: a schema nested deeper than
 * the search goes counts as marking (fail closed), so a value under it is
 * treated as sensitive rather than let through.
 */
function hasSensitiveKeyword(schema: unknown): boolean {
  return searchSensitive(schema, 0) !== false;
}

function toStepError(err: unknown, step: string, secrets: Set<string>, signal: Pick<AbortSignal, 'aborted' | 'reason'>): StepError {
  if (signal.aborted) {
    const reason = signal.reason;
    if (StepError.is(reason)) return reason;
    return new StepError('RUN_ABORTED', step, `step '${step}' was cancelled`, { cause: undefined });
  }
  if (StepError.is(err)) return scrubError(err, secrets);
  if (InnominatusError.is(err) && err.code === 'STEP_OUTPUT_INVALID') return err as StepError;
  const message = err instanceof Error ? err.message : String(err);
  const retryable = InnominatusError.is(err) ? err.retryable : false;
  const path = InnominatusError.is(err) ? err.path : undefined;
  // The step's own error (K8S_WAIT_TIMEOUT, ...) is the cause, so that callers can tell failures apart by code.
  return new StepError('STEP_FAILED', step, `step '${step}' failed: ${scrubText(message, secrets)}`, {
    retryable,
    ...(path ? { path } : {}),
    cause: causeChain(err, secrets),
  });
}

/** How many causes deep a step's error is kept. */
const MAX_CAUSE_DEPTH = 5;

/**
 * A copy of an error and its causes as coded errors with scrubbed messages
 * and nothing else (a cause could hold anything: a response, a secret).
 * A plain Error without a code becomes `INTERNAL`.
 */
export function causeChain(err: unknown, secrets: Set<string>, depth = 0): InnominatusError<string> | undefined {
  if (err === undefined || err === null || depth >= MAX_CAUSE_DEPTH) return undefined;
  const code = InnominatusError.is(err) ? err.code : 'INTERNAL';
  const message = scrubText(err instanceof Error ? err.message : String(err), secrets);
  const cause = causeChain((err as { cause?: unknown }).cause, secrets, depth + 1);
  return new InnominatusError<string>(code, message, {
    retryable: InnominatusError.is(err) ? err.retryable : false,
    cause,
  });
}

/** A fresh error with the message and the cause chain scrubbed. */
function scrubError(err: StepError, secrets: Set<string>): StepError {
  const scrubbed = scrubText(err.message, secrets);
  const cause = causeChain(err.cause, secrets);
  return new StepError(err.code as 'STEP_FAILED', err.step, scrubbed, {
    retryable: err.retryable,
    ...(err.path ? { path: err.path } : {}),
    cause,
  });
}

function clonePlain(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(clonePlain);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = clonePlain(x);
  return out;
}

function formatMs(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
