/**
 * Every error this package throws on purpose. Each has a stable `code`, a
 * `retryable` flag for run-time failures, and, where the problem came from a
 * workflow document, the JSON pointer of the offending field (`path`) and its
 * source position when the document was loaded from a file.
 */

const BRAND = Symbol.for('innominatus.error');

/** Where in a source document something came from. */
export interface SourcePosition {
  file?: string;
  line: number;
  col: number;
}

/** Options shared by every error class. */
export interface ErrorOptions {
  /** JSON pointer of the offending field inside the workflow, e.g. `/steps/0/with/manifest`. */
  path?: string;
  /** Source position, when the document came from a file. */
  position?: SourcePosition;
  /** A transient failure that a retry may fix. */
  retryable?: boolean;
  cause?: unknown;
}

/** The stable error codes. */
export type ErrorCode =
  | 'EXPRESSION_ERROR'
  | 'EXPRESSION_SYNTAX'
  | 'PARAMETER_INVALID'
  | 'WORKFLOW_INVALID'
  | 'VARS_CYCLE'
  | 'STEP_UNKNOWN'
  | 'STEP_DUPLICATE'
  | 'STEP_INPUT_INVALID'
  | 'STEP_OUTPUT_INVALID'
  | 'STEP_FAILED'
  | 'STEP_TIMEOUT'
  | 'RUN_ABORTED'
  | 'RUN_PAUSED'
  | 'RUN_NOT_FOUND'
  | 'RUN_COMPLETED'
  | 'RUN_EXISTS'
  | 'RUN_ACTIVE'
  | 'JOURNAL_ERROR'
  | 'DECRYPT_FAILED'
  | 'KEY_MISMATCH'
  | 'PROVIDER_CONFLICT'
  | 'PROVIDER_NOT_FOUND'
  | 'OPERATION_NOT_SUPPORTED'
  | 'RESOURCE_NOT_FOUND'
  | 'INVALID_TRANSITION'
  | 'STORE_ERROR';

/** Base class of all errors thrown by `@innominatus/core`. */
export class InnominatusError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly path?: string;
  readonly position?: SourcePosition;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    if (options.path !== undefined) this.path = options.path;
    if (options.position !== undefined) this.position = options.position;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** True for any error of this library, even from another copy of it. */
  static is(value: unknown): value is InnominatusError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
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

/** A `${{ }}` expression failed to parse, type-check or evaluate. */
export class ExpressionError extends InnominatusError {
  /** The expression text as written. */
  readonly expression: string;
  /** Offset of the problem inside the expression text, when CEL said where. */
  readonly offset?: number;
  constructor(expression: string, message: string, options: ErrorOptions & { syntax?: boolean; offset?: number } = {}) {
    super(options.syntax ? 'EXPRESSION_SYNTAX' : 'EXPRESSION_ERROR', message, options);
    this.expression = expression;
    if (options.offset !== undefined) this.offset = options.offset;
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

/** The workflow document itself is malformed. */
export class WorkflowError extends InnominatusError {
  constructor(message: string, options: ErrorOptions & { code?: 'WORKFLOW_INVALID' | 'VARS_CYCLE' } = {}) {
    super(options.code ?? 'WORKFLOW_INVALID', message, options);
  }
}

/** A step failed. `step` names it; `cause` holds the step's own error (already redacted). */
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
  constructor(code: 'STEP_DUPLICATE' | 'STEP_UNKNOWN', message: string) {
    super(code, message);
  }
}

/** Journal, store or encryption failures. */
export class StoreError extends InnominatusError {
  constructor(code: 'JOURNAL_ERROR' | 'STORE_ERROR' | 'DECRYPT_FAILED' | 'KEY_MISMATCH' | 'RUN_NOT_FOUND' | 'RUN_COMPLETED' | 'RUN_EXISTS' | 'RUN_ACTIVE' | 'RESOURCE_NOT_FOUND' | 'INVALID_TRANSITION', message: string, options: ErrorOptions = {}) {
    super(code, message, options);
  }
}

/** Provider registration and resolution errors. */
export class ProviderError extends InnominatusError {
  constructor(code: 'PROVIDER_CONFLICT' | 'PROVIDER_NOT_FOUND' | 'OPERATION_NOT_SUPPORTED', message: string) {
    super(code, message);
  }
}
