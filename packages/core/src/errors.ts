/**
 * Every error this package throws on purpose. Each has a stable `code`, a
 * `retryable` flag for run-time failures, and, where the problem came from a
 * workflow document, the JSON pointer of the offending field (`path`) and its
 * source position when the document was loaded from a file.
 */

import { hasBrand, setBrand } from './util/brand';

const BRAND = Symbol.for('innominatus.error');
const STEP_ERROR_BRAND = Symbol.for('innominatus.step-error');
const EXPRESSION_ERROR_BRAND = Symbol.for('innominatus.expression-error');

/** Where in a source document something came from. */
export interface SourcePosition {
  file?: string;
  line: number;
  col: number;
}

/** Options shared by every error class. */
export interface ErrorOptions {
  /** JSON pointer of the offending field inside the workflow, e.g. `/steps/0/with/manifest`. */
  path?: string | undefined;
  /** Source position, when the document came from a file. */
  position?: SourcePosition | undefined;
  /** A transient failure that a retry may fix. */
  retryable?: boolean | undefined;
  /** The error this one wraps (undefined: none). */
  cause?: unknown;
}

/**
 * The stable error codes of `@innominatus/core`. Each names one kind of
 * problem; other packages extend {@link InnominatusError} with codes of their
 * own (`K8S_*`, the provider SDK's, the SQL stores').
 */
export type ErrorCode =
  // workflows, expressions and parameters
  | 'EXPRESSION_ERROR'
  | 'EXPRESSION_SYNTAX'
  | 'EXPRESSION_TYPE'
  | 'EXPRESSION_COST'
  | 'EXPRESSION_LIMIT'
  | 'OUTPUT_INVALID'
  | 'PARAMETER_INVALID'
  | 'WORKFLOW_INVALID'
  | 'VARS_CYCLE'
  | 'DURATION_INVALID'
  // steps
  | 'STEP_TYPE_INVALID'
  | 'STEP_UNKNOWN'
  | 'STEP_DUPLICATE'
  | 'STEP_INPUT_INVALID'
  | 'STEP_OUTPUT_INVALID'
  | 'STEP_FAILED'
  | 'STEP_TIMEOUT'
  // runs (the journal's codes are the store's, below)
  | 'RUN_ABORTED'
  | 'RUN_PAUSED'
  // providers
  | 'PROVIDER_CONFLICT'
  | 'PROVIDER_NOT_FOUND'
  | 'PROVIDER_INVALID'
  | 'OPERATION_NOT_SUPPORTED'
  // the journal, encryption, resources, leases, stores, a factory's options, a run handed over: the codes of StoreError
  | StoreErrorCode
  // the running Node.js is older than the packages' engines.node
  | 'NODE_UNSUPPORTED'
  // anything that is not one of these: a bug or an unexpected failure
  | 'INTERNAL';

/**
 * Base class of every error the innominatus packages throw on purpose. The
 * brand is a `Symbol.for` key, so {@link InnominatusError.is} recognises
 * errors from another copy of the package too (two versions in one
 * `node_modules`). `C` is the package's own code union.
 */
export class InnominatusError<C extends string = ErrorCode> extends Error {
  readonly code: C;
  readonly retryable: boolean;
  readonly path?: string;
  readonly position?: SourcePosition;

  constructor(code: C, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    if (options.path !== undefined) this.path = options.path;
    if (options.position !== undefined) this.position = options.position;
    setBrand(this, BRAND);
  }

  /** True for any error of these packages, even from another copy of them. */
  static is(value: unknown): value is InnominatusError<string> {
    return hasBrand(value, BRAND);
  }

  /**
   * `value` itself when it is an {@link InnominatusError}; anything else
   * (a bug, a driver's own error) becomes `INTERNAL` with the original as
   * `cause`, so every caller sees one model.
   */
  static from(value: unknown): InnominatusError<string> {
    if (InnominatusError.is(value)) return value;
    return new InnominatusError('INTERNAL', value instanceof Error ? value.message : String(value), { cause: value });
  }

  /** Message with the position prefix (`file:line:col: `) when known. */
  describe(): string {
    const where = this.position
      ? `${this.position.file ? `${this.position.file}:` : ''}${this.position.line}:${this.position.col}: `
      : this.path
        ? `${this.path}: `
        : '';
    return `${where}${this.message} [${this.code}]`;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, path: this.path, position: this.position, retryable: this.retryable };
  }
}

/**
 * A `${{ }}` expression failed to parse, type-check or evaluate.
 * Use {@link ExpressionError.is} rather than `instanceof`: the error may come from another copy of `@innominatus/core`.
 */
export class ExpressionError extends InnominatusError {
  /** The expression text as written. */
  readonly expression: string;
  /** Offset of the problem inside the expression text, when CEL said where. */
  readonly offset?: number;
  /**
   * Offset of the problem inside the string that holds the expression (a
   * template value such as `db-${{ x }}`), set when a template renders it.
   */
  declare readonly textOffset?: number;
  /**
   * @param options.syntax the text does not parse (`EXPRESSION_SYNTAX`); else it failed (`EXPRESSION_ERROR`).
   * @param options.code instead: the estimated work is over the limit (`EXPRESSION_COST`, refused
   * before it runs), or a value produced or read is over a size limit (`EXPRESSION_LIMIT`).
   */
  constructor(
    expression: string,
    message: string,
    options: ErrorOptions & { syntax?: boolean; offset?: number | undefined; code?: 'EXPRESSION_COST' | 'EXPRESSION_LIMIT' } = {},
  ) {
    super(options.code ?? (options.syntax ? 'EXPRESSION_SYNTAX' : 'EXPRESSION_ERROR'), message, options);
    this.expression = expression;
    if (options.offset !== undefined) this.offset = options.offset;
    setBrand(this, EXPRESSION_ERROR_BRAND);
  }

  /** True for an ExpressionError made by any copy of `@innominatus/core`. */
  static override is(value: unknown): value is ExpressionError {
    return hasBrand(value, EXPRESSION_ERROR_BRAND);
  }
}

/** One problem found while validating parameters. */
export interface ParameterIssue {
  parameter: string;
  message: string;
}

/** Workflow parameters did not match their declaration. Carries every issue. */
export class ParameterError extends InnominatusError {
  readonly issues: ParameterIssue[];
  constructor(issues: ParameterIssue[]) {
    super('PARAMETER_INVALID', issues.map((i) => `parameter '${i.parameter}' ${i.message}`).join('; '));
    this.issues = issues;
  }
}

/** One problem the workflow analysis found (see `analyzeWorkflow`), as a WorkflowError carries it. */
export interface WorkflowIssue {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  /** JSON pointer of the field. */
  pointer: string;
  anchor: 'value' | 'key' | { offset: number };
}

/**
 * The workflow document itself is malformed. Thrown by `compileWorkflow` with
 * the code, message and path of the first error, and every issue found.
 */
export class WorkflowError extends InnominatusError {
  /** Every issue the analysis found (errors and warnings), when thrown by the analysis. */
  readonly issues: readonly WorkflowIssue[];
  constructor(
    message: string,
    options: ErrorOptions & {
      code?: 'WORKFLOW_INVALID' | 'VARS_CYCLE' | 'EXPRESSION_SYNTAX' | 'EXPRESSION_TYPE' | 'STEP_UNKNOWN' | 'OUTPUT_INVALID' | ErrorCode;
      issues?: readonly WorkflowIssue[];
    } = {},
  ) {
    super(options.code ?? 'WORKFLOW_INVALID', message, options);
    this.issues = options.issues ?? [];
  }
}

/**
 * A step failed. `step` names it; `cause` holds the step's own error (already redacted).
 * Use {@link StepError.is} rather than `instanceof`: the error may come from another copy of `@innominatus/core`.
 */
export class StepError extends InnominatusError {
  readonly step: string;
  constructor(
    code: 'STEP_UNKNOWN' | 'STEP_INPUT_INVALID' | 'STEP_OUTPUT_INVALID' | 'STEP_FAILED' | 'STEP_TIMEOUT' | 'RUN_ABORTED' | 'RUN_PAUSED',
    step: string,
    message: string,
    options: ErrorOptions = {},
  ) {
    super(code, message, options);
    this.step = step;
    setBrand(this, STEP_ERROR_BRAND);
  }

  /** True for a StepError made by any copy of `@innominatus/core`. */
  static override is(value: unknown): value is StepError {
    return hasBrand(value, STEP_ERROR_BRAND);
  }

  /** With the step and the step's own error (a scrubbed chain of coded errors) as `cause`. */
  override toJSON(): Record<string, unknown> {
    const chain = (e: unknown): Record<string, unknown> | undefined =>
      InnominatusError.is(e) ? { ...e.toJSON(), ...(InnominatusError.is(e.cause) ? { cause: chain(e.cause) } : {}) } : undefined;
    const cause = chain(this.cause);
    return { ...super.toJSON(), step: this.step, ...(cause ? { cause } : {}) };
  }
}

/**
 * Throw this from a step's `run` to say what kind of failure happened.
 * `retryable: true` lets the engine retry the step with backoff.
 *
 * @example
 * throw new StepFailure('API server answered 503', { retryable: true });
 */
export class StepFailure extends InnominatusError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('STEP_FAILED', message, options);
  }
}

/** A step type was registered twice, or a workflow names an unknown step type. */
export class RegistryError extends InnominatusError {
  constructor(code: 'STEP_DUPLICATE' | 'STEP_UNKNOWN' | 'STEP_TYPE_INVALID', message: string) {
    super(code, message);
  }
}

/** The codes of {@link StoreError}. */
export type StoreErrorCode =
  // runs and their journal
  | 'RUN_NOT_FOUND'
  | 'RUN_EXISTS'
  | 'RUN_ACTIVE'
  | 'JOURNAL_ERROR'
  // encryption
  | 'KEY_INVALID'
  | 'DECRYPT_FAILED'
  | 'KEY_MISMATCH'
  // resources, leases and stores
  | 'RESOURCE_NOT_FOUND'
  | 'RESOURCE_EXISTS'
  | 'RESOURCE_INVALID'
  | 'INVALID_TRANSITION'
  | 'LEASE_LOST'
  | 'STORE_CLOSED'
  | 'TRANSACTION_ENDED'
  | 'SPEC_INVALID'
  | 'STORE_UNAVAILABLE'
  // options of a factory (createOrchestrator, a store, a list filter)
  | 'OPTIONS_INVALID'
  // the orchestrator stopped the run to hand it over
  | 'ORCHESTRATOR_STOPPING';

/** Journal, store, lease, resource-request or encryption failures. */
export class StoreError extends InnominatusError {
  constructor(code: StoreErrorCode, message: string, options: ErrorOptions = {}) {
    super(code, message, options);
  }
}

/** Provider registration and resolution errors. */
export class ProviderError extends InnominatusError {
  constructor(code: 'PROVIDER_CONFLICT' | 'PROVIDER_NOT_FOUND' | 'PROVIDER_INVALID' | 'OPERATION_NOT_SUPPORTED', message: string) {
    super(code, message);
  }
}
