import type { Static, TSchema } from '@sinclair/typebox';
import { RegistryError } from '../errors';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** What a step reports while it works (shown in events and progress displays). */
export interface StepProgress {
  /** A short human-readable line, e.g. `status: Creating`. */
  message: string;
  /** Structured detail (redacted before it leaves the engine). */
  data?: Record<string, unknown>;
}

/** Everything a step's `run` receives besides its input. */
export interface StepContext {
  /** Aborted on cancellation and on the step's timeout. Pass it to every I/O call. */
  readonly signal: AbortSignal;
  /** A logger whose output never holds the run's sensitive values. */
  readonly logger: Logger;
  /** Reports progress; cheap, call it whenever the observed state changes. */
  progress(update: StepProgress | string): void;
  /** Stable across resumes and retries of the same run and step: use it to make side effects idempotent. */
  readonly idempotencyKey: string;
  readonly runId: string;
  readonly stepName: string;
  /** 1 for the first try, 2 for the first retry, ... */
  readonly attempt: number;
  /** Milliseconds left before the step's timeout, on {@link StepContext.clock} (the step's timeout runs on it too). */
  remainingMs(): number;
  /**
   * The clock the step's own waits and timeouts use (a wait's `timeout`, a
   * pause between polls): the engine's (`createEngine({ clock })`), so a test
   * that gives the engine `createFakeClock()` moves them too.
   */
  readonly clock: Clock;
  /**
   * Returns the value remembered under `key` for this step of this run, or
   * calls `produce` once, journals its result (sealed: wrap secrets in
   * `sensitive()`) before returning it, and returns that on every later try
   * and after a resume, until the step succeeds. Use it for what must not
   * change between tries, such as a generated password. Values must be JSON.
   */
  remember<T>(key: string, produce: () => T | Promise<T>): Promise<T>;
}

/** A step type: schemas, defaults and the function that does the work. Make one with {@link defineStep}. */
export interface StepDefinition<I extends TSchema = TSchema, O extends TSchema = TSchema> {
  /** The name workflows use in `type:`, kebab-case, e.g. `kubernetes-apply`. */
  readonly type: string;
  /**
   * The step type's version (semver, e.g. `1.2.0`), checked against the
   * ranges providers declare under `requires.steps`. Optional.
   */
  readonly version?: string;
  readonly description: string;
  /** JSON Schema of `with` (after rendering). */
  readonly input: I;
  /**
   * JSON Schema of the outputs. A property with `"x-sensitive": true` is
   * always treated as sensitive, whether or not `run` wrapped it.
   */
  readonly output: O;
  /**
   * The output schema for one step of a workflow, when which outputs are
   * sensitive depends on its input (e.g. `read-secret`'s `plain` keys).
   * It gets `with` as written in the workflow, before rendering (a value may
   * be a `${{ }}` string), so the analysis and the engine mark the same
   * outputs; return a schema of the same shape as `output`. Absent: `output`.
   * Read it through {@link stepOutputSchema}.
   */
  readonly outputFor?: (written: Readonly<Record<string, unknown>>) => TSchema;
  /**
   * Top-level input fields that hold deferred CEL expressions (evaluated by the
   * step, not the engine), with the variables each may use, e.g.
   * `{ successWhen: ['object'] }`.
   */
  readonly deferred: Readonly<Record<string, readonly string[]>>;
  /** Default timeout (`30s`, `10m`, or milliseconds). Every step has one. */
  readonly timeout: string | number;
  /** Example `with` blocks, shown in docs and checked by tests. */
  readonly examples?: ReadonlyArray<{ description: string; with: Record<string, unknown> }>;
  /** Does the work. Must be safe to run again after a crash (apply, not create; read, not consume). */
  run(input: Static<I>, ctx: StepContext): Promise<Static<O>>;
}

/** The argument of {@link defineStep}: `deferred` and `examples` are optional. */
export type StepDefinitionInit<I extends TSchema, O extends TSchema> = Omit<StepDefinition<I, O>, 'deferred'> & {
  deferred?: Record<string, readonly string[]>;
};

/**
 * Defines a step type. The input and output schemas are TypeBox schemas
 * (plain JSON Schema underneath); the TypeScript types of `run` follow from them.
 *
 * @example
 * import { defineStep, Type } from '@innominatus/core';
 * export const echo = defineStep({
 *   type: 'echo',
 *   description: 'Returns its message',
 *   input: Type.Object({ message: Type.String() }),
 *   output: Type.Object({ message: Type.String() }),
 *   timeout: '5s',
 *   async run(input) { return { message: input.message }; },
 * });
 */
export function defineStep<I extends TSchema, O extends TSchema>(init: StepDefinitionInit<I, O>): StepDefinition<I, O> {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(init.type)) {
    throw new RegistryError('STEP_TYPE_INVALID', `step type '${init.type}' must be kebab-case (e.g. 'kubernetes-apply')`);
  }
  if (init.version !== undefined && !SEMVER.test(init.version)) {
    throw new RegistryError('STEP_TYPE_INVALID', `step type '${init.type}': version '${init.version}' is not a semantic version (e.g. '1.2.0')`);
  }
  return Object.freeze({ ...init, deferred: Object.freeze({ ...(init.deferred ?? {}) }) });
}

/**
 * The output schema of a step with the given `with` (as written): the step
 * type's {@link StepDefinition.outputFor} when it has one, else its `output`.
 * The one place the engine (marking outputs sensitive) and the analysis
 * (tracking sensitive values) get a step's output sensitivity from.
 */
export function stepOutputSchema(definition: StepDefinition, written: unknown): TSchema {
  if (!definition.outputFor) return definition.output;
  return definition.outputFor(typeof written === 'object' && written !== null && !Array.isArray(written) ? (written as Record<string, unknown>) : {});
}
