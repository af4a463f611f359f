import { InnominatusError, type SourcePosition } from '../errors';

/** The JSON types a workflow parameter can have. */
export type ParameterType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array';

/**
 * One entry of a workflow's `parameters` list. Besides the fields named here,
 * any JSON Schema validation keyword (`minimum`, `maxLength`, `items`,
 * `properties`, `format`, ...) is passed through to the parameter's schema.
 */
export interface ParameterSpec {
  name: string;
  type: ParameterType;
  description?: string;
  required?: boolean;
  default?: unknown;
  enum?: unknown[];
  pattern?: string;
  /** The value is a secret: it is wrapped as sensitive before the workflow sees it. */
  sensitive?: boolean;
  [keyword: string]: unknown;
}

/** A step as written in a workflow. */
export interface StepSpec {
  /** Unique within the workflow; read as `steps["NAME"]`. */
  name: string;
  /** A registered step type, e.g. `kubernetes-apply`. */
  type: string;
  description?: string;
  /** A `${{ }}` expression (or a boolean); the step is skipped when it is false. */
  if?: string | boolean;
  /** Duration such as `30s`, `10m`, `1h30m`, or milliseconds. Default: the step type's. */
  timeout?: string | number;
  /** Retries for failures the step marks transient. */
  retry?: { attempts?: number; backoff?: string | number; maxBackoff?: string | number };
  /** The step's input, rendered and then checked against the step type's input schema. */
  with?: Record<string, unknown>;
  /**
   * The name of an earlier step: when this step failed, a resume of the run
   * runs again from that step (it and every step after it), instead of from
   * this one. For a wait on an object an earlier step created (the wait fails
   * when the object is deleted): the resume re-creates it.
   */
  resumeFrom?: string;
  /**
   * A `${{ }}` expression giving a list: the step runs once per item, its
   * `with` and `if` reading `item` and `index`; its outputs are
   * `{ items: [outputs of each iteration that ran, in the list's order] }`.
   */
  forEach?: string;
  /** How many iterations of a `forEach` step run at once: 1 (default, one after the other) to 16. */
  parallelism?: number;
}

/**
 * An output: a template, or the long form `{ value, sensitive, description, type }`
 * where `type` is a JSON Schema the rendered value must match.
 */
export type OutputSpec = unknown | LongOutput;

/** The long form of an output. */
export interface LongOutput {
  value: unknown;
  sensitive?: boolean;
  description?: string;
  /** JSON Schema of the value, checked when the outputs are rendered and used by the type checker. */
  type?: Record<string, unknown>;
}

/** The keys of an output's long form. */
export const LONG_OUTPUT_FIELDS: readonly string[] = Object.freeze(['value', 'sensitive', 'description', 'type']);

/** The keys a step may have. */
export const STEP_FIELDS: readonly string[] = Object.freeze([
  'name',
  'type',
  'description',
  'if',
  'timeout',
  'retry',
  'resumeFrom',
  'forEach',
  'parallelism',
  'with',
]);

/** A workflow document (kind: Workflow). */
export interface Workflow {
  apiVersion: string;
  kind: 'Workflow';
  metadata: { name: string; description?: string; version?: string; [key: string]: unknown };
  parameters?: ParameterSpec[];
  vars?: Record<string, unknown>;
  steps: StepSpec[];
  /**
   * Steps that run, in order, when the run fails (cleanup: remove what the
   * workflow created). They read `failure.step`, `failure.code` and
   * `failure.message` besides everything a step reads; the run still fails
   * with the original error.
   */
  onFailure?: StepSpec[];
  outputs?: Record<string, OutputSpec>;
}

/** A step of a workflow with where it stands: its index in a run and its JSON pointer in the document. */
export interface PlacedStep {
  /** The step as written (not checked: an entry of a document not yet validated may be anything). */
  step: StepSpec;
  /** The step's index in a run: the `onFailure` steps are numbered after the steps. */
  index: number;
  /** `/steps/N`, or `/onFailure/N` for a cleanup step. */
  pointer: string;
}

/** Every step of a workflow document, the `onFailure` steps after the steps; a list that is not an array is read as empty. */
export function placedSteps(doc: { steps?: unknown; onFailure?: unknown }): PlacedStep[] {
  const steps = Array.isArray(doc.steps) ? (doc.steps as StepSpec[]) : [];
  const cleanup = Array.isArray(doc.onFailure) ? (doc.onFailure as StepSpec[]) : [];
  return [
    ...steps.map((step, i) => ({ step, index: i, pointer: `/steps/${i}` })),
    ...cleanup.map((step, i) => ({ step, index: steps.length + i, pointer: `/onFailure/${i}` })),
  ];
}

/** Maps a JSON pointer inside a loaded document to where it was written. */
export interface SourceMap {
  file?: string;
  /** The position of the value at `pointer` (e.g. `/steps/0/with`), or of its closest parent. */
  positionOf(pointer: string): SourcePosition | undefined;
  /** The position of the character at `offset` inside the string at `pointer`, when the map knows it. */
  stringPositionOf?(pointer: string, offset: number): SourcePosition | undefined;
}

/** A workflow together with where it came from (set by loaders such as the provider SDK). */
export interface LoadedWorkflow {
  workflow: Workflow;
  source?: SourceMap;
}

/** Parses a duration (`500ms`, `30s`, `10m`, `1h30m`, or a number of milliseconds) into milliseconds. */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new InnominatusError('DURATION_INVALID', `invalid duration ${value}`);
    return value;
  }
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  let total = 0;
  let matched = 0;
  const text = value.trim();
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    total += Number(m[1]) * units[m[2]!]!;
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== text.length) {
    throw new InnominatusError('DURATION_INVALID', `invalid duration '${value}' (use e.g. 500ms, 30s, 10m, 1h30m)`);
  }
  return total;
}

/**
 * True when the value is an output written in the long form: a map with a
 * `value` key (any other key than those of {@link LONG_OUTPUT_FIELDS} is an
 * error the analysis reports, so that a typo such as `sensitve` is not silently
 * read as part of an object output).
 */
export function isLongOutput(spec: OutputSpec): spec is LongOutput {
  return typeof spec === 'object' && spec !== null && !Array.isArray(spec) && Object.hasOwn(spec, 'value');
}
