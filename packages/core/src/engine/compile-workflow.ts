import type { TSchema } from '@sinclair/typebox';
import { analyzeWorkflow } from '../analysis/analyze-workflow';
import type { CompiledVars } from '../analysis/analyze-vars';
import type { AnalysisIssue } from '../analysis/issues';
import { ExpressionError, InnominatusError, WorkflowError, type ErrorCode } from '../errors';
import type { CompiledExpression } from '../expressions/expression';
import { constantValue, Scope } from '../expressions/scope';
import type { Template } from '../expressions/template';
import type { SourceMap, StepSpec, Workflow } from '../model/workflow';
import { isSensitive, reveal, sensitive } from '../sensitive/sensitive';
import type { StepDefinition } from '../steps/define-step';
import type { StepRegistry } from '../steps/step-registry';
import { describeAjvErrors, validatorFor } from '../util/ajv';
import { escapePointer } from '../util/json-pointer';
import { setOwn } from '../util/set-own';
import { validateParameters } from './parameters';
import type { Operation } from '../store/types';

/** Retry settings of a step, resolved. */
export interface RetryPolicy {
  /** Total tries, 1 = no retry. */
  attempts: number;
  backoffMs: number;
  maxBackoffMs: number;
}

/** A step ready to run: its definition, compiled input and resolved settings. */
export interface CompiledStep {
  index: number;
  /** Where the step is written in the workflow document: `/steps/N`, or `/onFailure/N` for a cleanup step. */
  pointer: string;
  spec: StepSpec;
  definition: StepDefinition;
  /** The schema of the step's outputs ({@link stepOutputSchema} of its definition and `with`), made once when compiled. */
  outputSchema: TSchema;
  input: Template;
  /** The `if` condition, or undefined when the step always runs. */
  condition?: Template;
  /** Deferred fields compiled with the step's own variables (checked here, evaluated by the step). */
  deferred: Map<string, CompiledExpression>;
  timeoutMs: number;
  retry: RetryPolicy;
  /** Index of the step a resume runs again from when this one failed (`resumeFrom`); undefined: this step. */
  resumeFromIndex?: number;
  /** A forEach step's list and how many of its iterations run at once. */
  loop?: { list: Template; parallelism: number };
}

/** A compiled output. */
export interface CompiledOutput {
  name: string;
  template: Template;
  sensitive: boolean;
  /** The JSON Schema the rendered value must match, when the output declares a `type`. */
  type?: Record<string, unknown>;
}

/** The context a run is started with. */
export interface RunContext {
  /** The resource request being served, when run by the orchestrator. */
  resource?: ResourceContext;
  [key: string]: unknown;
}

/** A resource request as the `resource` variable of expressions sees it. */
export interface ResourceContext {
  id: string;
  name: string;
  type: string;
  /** The class asked for (`default` when none was). */
  class?: string;
  application: string;
  /** Metadata the request carries for its provider (`{}` when none). */
  metadata?: Record<string, unknown>;
  properties: Record<string, unknown>;
  operation: Operation;
}

/** Defaults applied while compiling. */
export interface CompileOptions {
  /** Retry policy for steps that set none. Default: 3 tries, 1 s backoff doubling to 30 s. */
  defaultRetry?: Partial<RetryPolicy>;
  source?: SourceMap;
}

/**
 * A workflow with every expression compiled once, its step types resolved,
 * its parameters turned into a JSON Schema and its vars ordered. Safe to
 * reuse for any number of runs.
 */
export class CompiledWorkflow {
  readonly workflow: Workflow;
  readonly source?: SourceMap;
  readonly parameterSchema: Record<string, unknown>;
  readonly vars: CompiledVars;
  readonly steps: readonly CompiledStep[];
  /** The `onFailure` steps (indexed after the steps), run when the run fails. */
  readonly cleanup: readonly CompiledStep[];
  readonly outputs: readonly CompiledOutput[];
  readonly #doubleParams: string[];

  /** @internal use {@link compileWorkflow}. */
  constructor(workflow: Workflow, registry: StepRegistry, options: CompileOptions = {}) {
    this.workflow = workflow;
    if (options.source) this.source = options.source;
    const analysis = analyzeWorkflow(workflow, registry, options.defaultRetry ? { defaultRetry: options.defaultRetry } : {});
    if (!analysis.compiled) throw withPosition(options.source, () => workflowError(analysis.issues));
    this.parameterSchema = analysis.compiled.parameterSchema;
    this.#doubleParams = analysis.compiled.doubleParameters;
    this.vars = analysis.compiled.vars;
    this.steps = analysis.compiled.steps;
    this.cleanup = analysis.compiled.cleanup;
    this.outputs = analysis.compiled.outputs;
  }

  /** Validates parameter values (defaults applied). Throws `PARAMETER_INVALID` naming each bad parameter. */
  validateParameters(input: Record<string, unknown> = {}): Record<string, unknown> {
    return validateParameters(this.parameterSchema, this.workflow.parameters ?? [], input);
  }

  /** A fresh evaluation scope holding validated parameters and the run context. */
  newScope(parameters: Record<string, unknown>, context: RunContext = {}, run: { id: string; attempt: number } = { id: '', attempt: 1 }): Scope {
    const scope = new Scope({}, { parameters: this.#doubleParams });
    scope.set('parameters', parameters);
    scope.set('resource', context.resource ?? {});
    scope.set('run', run);
    scope.set('vars', {});
    scope.set('steps', {});
    return scope;
  }

  /** Evaluates every var into the scope, in dependency order. */
  evaluateVars(scope: Scope): void {
    for (const name of this.vars.order) {
      const template = this.vars.templates.get(name)!;
      const value = withPosition(this.source, () => template.render(scope));
      // A var without expressions is the workflow's own literal, the same object in every run: its CEL form is converted once.
      scope.setEntry('vars', name, template.isStatic ? constantValue(value) : value);
    }
  }

  /** Renders the outputs; declared-sensitive ones, and any computed from a secret, are sensitive. */
  renderOutputs(scope: Scope): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const o of this.outputs) {
      // A copy, so that changing a result never changes the workflow or the journal.
      const v = copyPlain(withPosition(this.source, () => o.template.render(scope)));
      if (o.type) withPosition(this.source, () => checkOutputType(o, v));
      out[o.name] = o.sensitive ? sensitive(v) : v;
    }
    return out;
  }
}

/**
 * Compiles a workflow against a step registry.
 *
 * @throws WorkflowError, ExpressionError or RegistryError (with `path`, and
 * `position` when a source map is given) for the first problem found.
 */
export function compileWorkflow(workflow: Workflow, registry: StepRegistry, options: CompileOptions = {}): CompiledWorkflow {
  return new CompiledWorkflow(workflow, registry, options);
}

/** Issue codes that keep a code of their own when the engine throws them. */
const THROWN_CODES: Partial<Record<AnalysisIssue['code'], ErrorCode>> = {
  EXPRESSION_SYNTAX: 'EXPRESSION_SYNTAX',
  EXPRESSION_TYPE: 'EXPRESSION_TYPE',
  EXPRESSION_COST: 'EXPRESSION_COST',
  VARS_CYCLE: 'VARS_CYCLE',
  UNKNOWN_STEP_TYPE: 'STEP_UNKNOWN',
  STEP_INPUT_INVALID: 'STEP_INPUT_INVALID',
  OUTPUT_INVALID: 'OUTPUT_INVALID',
};

/** The error compileWorkflow throws: the first error's code, message and path; every issue attached. */
function workflowError(issues: readonly AnalysisIssue[]): WorkflowError {
  const errors = issues.filter((i) => i.severity === 'error');
  const first = errors[0]!;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  return new WorkflowError(`${first.message}${more}`, { code: THROWN_CODES[first.code] ?? 'WORKFLOW_INVALID', path: first.pointer, issues });
}

/** Checks a rendered output against its declared `type` (never quoting a sensitive value). */
function checkOutputType(o: CompiledOutput, value: unknown): void {
  const validate = validatorFor(o.type!);
  if (validate(isSensitive(value) ? reveal(value) : value)) return;
  const problems =
    o.sensitive || isSensitive(value)
      ? describeAjvErrors(validate.errors, 'value').map((p) => p.replace(/ \(got .*\)$/, ''))
      : describeAjvErrors(validate.errors, 'value');
  throw new WorkflowError(`output '${o.name}' does not match its type: ${problems.join('; ')}`, {
    code: 'OUTPUT_INVALID',
    path: `/outputs/${escapePointer(o.name)}/value`,
  });
}

/** Adds the source position of an error's `path`, when a source map is known. */
export function withPosition<T>(source: SourceMap | undefined, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (source && InnominatusError.is(err) && err.path !== undefined && err.position === undefined) {
      const offset = ExpressionError.is(err) ? err.textOffset : undefined;
      const pos = (offset !== undefined ? source.stringPositionOf?.(err.path, offset) : undefined) ?? source.positionOf(err.path);
      if (pos) Object.defineProperty(err, 'position', { value: { file: source.file, ...pos }, enumerable: true });
    }
    throw err;
  }
}

function copyPlain(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || isSensitive(v)) return v;
  if (Array.isArray(v)) return v.map(copyPlain);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) setOwn(out, k, copyPlain(x));
  return out;
}
