import type { CelType } from './cel-types';

/**
 * The fields of `resource` (the request a run serves) and their CEL types:
 * the one table the reference check, the type checker and provider mappings read.
 */
export const RESOURCE_FIELD_TYPES: Readonly<Record<string, CelType>> = Object.freeze({
  id: 'string',
  name: 'string',
  type: 'string',
  class: 'string',
  application: 'string',
  metadata: 'map<string, dyn>',
  properties: 'map<string, dyn>',
  operation: 'string',
});

/** The fields of `run` (the run being executed) and their CEL types. */
export const RUN_FIELD_TYPES: Readonly<Record<string, CelType>> = Object.freeze({
  id: 'string',
  attempt: 'int',
});

/** Fields of `resource` an expression may read. */
export const RESOURCE_FIELDS: readonly string[] = Object.freeze(Object.keys(RESOURCE_FIELD_TYPES));

/** Fields of `run` an expression may read. */
export const RUN_FIELDS: readonly string[] = Object.freeze(Object.keys(RUN_FIELD_TYPES));

/** The fields of `failure` (what made the run fail), which the `onFailure` steps read, and their CEL types. */
export const FAILURE_FIELD_TYPES: Readonly<Record<string, CelType>> = Object.freeze({
  /** The step that failed (`''` when the run failed before its first step). */
  step: 'string',
  code: 'string',
  /** The error's message, with every secret the run knows replaced. */
  message: 'string',
});

/** Fields of `failure` an expression may read. */
export const FAILURE_FIELDS: readonly string[] = Object.freeze(Object.keys(FAILURE_FIELD_TYPES));

/** The variables an `onFailure` step's expressions may read: a step's, and `failure`. */
export const FAILURE_STEP_VARIABLES: readonly string[] = Object.freeze(['parameters', 'vars', 'steps', 'resource', 'run', 'failure']);
