/**
 * Every error the reference host throws on purpose. Each has a stable `code`
 * and the HTTP status it maps to; user errors carry every issue found, each
 * naming the field (and line and column when the input was YAML).
 */

import { InnominatusError } from '@innominatus/core';

/** Stable error codes of the host. */
export type HostErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_READ_FAILED'
  | 'STEPS_MODULE_INVALID'
  | 'SIMULATION_STATE_INVALID'
  | 'OLD_SPECS_INVALID'
  | 'SCORE_INVALID'
  | 'SCORE_TYPE_UNSERVED'
  | 'SCORE_PROPERTIES_INVALID'
  | 'PLACEHOLDER_UNKNOWN'
  | 'PLACEHOLDER_NOT_READY'
  | 'PLACEHOLDER_CYCLE'
  | 'SPEC_PRUNE_REQUIRED'
  | 'SPEC_NOT_FOUND'
  | 'RESOURCE_NOT_FOUND'
  | 'APPLICATION_NOT_FOUND'
  | 'RUN_NOT_FOUND'
  | 'RESOURCE_CONFLICT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'STORE_UNAVAILABLE'
  | 'BODY_INVALID'
  | 'CURSOR_INVALID'
  | 'BODY_UNSUPPORTED_TYPE';

/** One problem in a user's input: where it is and what is wrong. */
export interface Issue {
  /** Dotted field path, e.g. `resources.db.type` or `server.port`. */
  field: string;
  message: string;
  line?: number;
  col?: number;
}

/** Codes a later try of the same request may get past (the store back, a resource become active). */
const RETRYABLE: ReadonlySet<HostErrorCode> = new Set(['STORE_UNAVAILABLE', 'PLACEHOLDER_NOT_READY']);

/**
 * Base class of the host's errors, on core's error model
 * ({@link InnominatusError}): branded (recognised across copies by
 * `InnominatusError.is`), a stable `code`, `retryable`, an optional `cause`,
 * and the `position` of the first issue that has one (input read from YAML).
 */
export class HostError extends InnominatusError<HostErrorCode> {
  /** HTTP status when this error answers a request. */
  readonly status: number;
  readonly issues: Issue[];

  constructor(code: HostErrorCode, status: number, message: string, issues: Issue[] = [], options: { cause?: unknown } = {}) {
    const at = issues.find((i) => i.line !== undefined);
    super(code, message, {
      retryable: RETRYABLE.has(code),
      cause: options.cause,
      ...(at ? { position: { line: at.line!, col: at.col ?? 1 } } : {}),
    });
    this.status = status;
    this.issues = issues;
  }

  /** The JSON body of an error response. */
  override toJSON(): { error: { code: string; message: string; issues?: Issue[] } } {
    return { error: { code: this.code, message: this.message, ...(this.issues.length ? { issues: this.issues } : {}) } };
  }
}

/** Formats issues one per line as `field (line L, col C): message`. */
export function formatIssues(issues: Issue[]): string {
  return issues.map((i) => `${i.field}${i.line ? ` (line ${i.line}, col ${i.col})` : ''}: ${i.message}`).join('\n');
}

/** The configuration file or environment holds a bad value. */
export class ConfigError extends HostError {
  readonly file: string | undefined;
  constructor(file: string | undefined, issues: Issue[], code: 'CONFIG_INVALID' | 'CONFIG_READ_FAILED' = 'CONFIG_INVALID') {
    super(code, 500, `invalid configuration${file ? ` in ${file}` : ''}:\n${formatIssues(issues)}`, issues);
    this.file = file;
  }
}

/** A submitted Score spec is malformed or asks for something no provider serves. */
export class ScoreError extends HostError {
  constructor(
    message: string,
    issues: Issue[],
    code: 'SCORE_INVALID' | 'SCORE_TYPE_UNSERVED' | 'SCORE_PROPERTIES_INVALID' | 'PLACEHOLDER_UNKNOWN' | 'PLACEHOLDER_CYCLE' = 'SCORE_INVALID',
  ) {
    super(code, 422, message, issues);
  }
}

/** A placeholder cannot be filled (yet): unknown output or a resource not active. */
export class PlaceholderError extends HostError {
  constructor(code: 'PLACEHOLDER_UNKNOWN' | 'PLACEHOLDER_NOT_READY', message: string, issues: Issue[]) {
    super(code, code === 'PLACEHOLDER_NOT_READY' ? 409 : 422, message, issues);
  }
}

/** Something asked for does not exist. */
export class NotFoundError extends HostError {
  constructor(code: 'SPEC_NOT_FOUND' | 'RESOURCE_NOT_FOUND' | 'APPLICATION_NOT_FOUND' | 'RUN_NOT_FOUND', message: string) {
    super(code, 404, message);
  }
}

/**
 * The request conflicts with the current state (e.g. updating a resource
 * still provisioning), or would delete resources without being told to.
 */
export class ConflictError extends HostError {
  constructor(code: 'RESOURCE_CONFLICT' | 'SPEC_PRUNE_REQUIRED', message: string) {
    super(code, 409, message);
  }
}

/** No or an unknown bearer token. */
export class AuthError extends HostError {
  constructor(code: 'UNAUTHENTICATED' | 'FORBIDDEN', message: string) {
    super(code, code === 'UNAUTHENTICATED' ? 401 : 403, message);
  }
}

/**
 * The database cannot be reached right now (down, restarting, connections
 * cut). Answered 503 with `retry-after`; the message names no host or database.
 */
export class StoreUnavailableError extends HostError {
  /** Seconds a client should wait before trying again. */
  readonly retryAfterSeconds: number;
  constructor(message = 'the store is unavailable; try again shortly', retryAfterSeconds = 5) {
    super('STORE_UNAVAILABLE', 503, message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * A request body the host cannot read: not valid JSON though sent as
 * `application/json`, empty, cut short, or of a content type it does not take.
 */
export class BodyError extends HostError {
  constructor(code: 'BODY_INVALID' | 'BODY_UNSUPPORTED_TYPE', status: number, message: string, issues: Issue[] = []) {
    super(code, status, message, issues);
  }
}

/** A list request's `cursor` is not one this host handed out (400). */
export class CursorError extends HostError {
  constructor(message: string) {
    super('CURSOR_INVALID', 400, message, [{ field: 'query.cursor', message }]);
  }
}
