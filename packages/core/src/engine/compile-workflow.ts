import { InnominatusError, WorkflowError } from '../errors';
import { compileExpression, type CompiledExpression } from '../expressions/expression';
import { Scope } from '../expressions/scope';
import { compileTemplate, escapePointer, type Template } from '../expressions/template';
import { hasTemplate } from '../expressions/template-scanner';
import { isLongOutput, parseDuration, type ParameterSpec, type SourceMap, type StepSpec, type Workflow } from '../model/workflow';
import { isSensitive, sensitive } from '../sensitive/sensitive';
import type { StepDefinition } from '../steps/define-step';
import type { StepRegistry } from '../steps/step-registry';
import type { Operation } from '../store/types';
import { parameterSchema, validateParameters } from './parameters';
import { compileVars, type CompiledVars } from './vars';

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
  spec: StepSpec;
  definition: StepDefinition;
  input: Template;
  /** The `if` condition, or undefined when the step always runs. */
  condition?: Template;
  /** Deferred fields compiled with the step's own variables (checked here, evaluated by the step). */
  deferred: Map<string, CompiledExpression>;
  timeoutMs: number;
  retry: RetryPolicy;
  /** Index of the step a resume runs again from when this one failed (`resumeFrom`); undefined: this step. */
  resumeFromIndex?: number;
}

/** A compiled output. */
export interface CompiledOutput {
  name: string;
  template: Template;
  sensitive: boolean;
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
  readonly outputs: readonly CompiledOutput[];
  readonly #doubleParams: string[];

  /** @internal use {@link compileWorkflow}. */
  constructor(workflow: Workflow, registry: StepRegistry, options: CompileOptions = {}) {
    this.workflow = workflow;
    if (options.source) this.source = options.source;
    const at = <T>(fn: () => T): T => withPosition(options.source, fn);
    at(() => checkShape(workflow));
    const params: ParameterSpec[] = workflow.parameters ?? [];
    this.parameterSchema = at(() => parameterSchema(params));
    this.#doubleParams = params.filter((p) => p.type === 'number').map((p) => p.name);
    this.vars = at(() => compileVars(workflow.vars ?? {}));
    const retry: RetryPolicy = { attempts: 3, backoffMs: 1000, maxBackoffMs: 30_000, ...options.defaultRetry };
    const seen = new Set<string>();
    this.steps = workflow.steps.map((spec, index) => at(() => compileStep(spec, index, registry, seen, retry)));
    this.outputs = Object.entries(workflow.outputs ?? {}).map(([name, spec]) =>
      at(() => {
        const pointer = `/outputs/${escapePointer(name)}`;
        const long = isLongOutput(spec);
        const template = compileTemplate(long ? spec.value : spec, { pointer: long ? `${pointer}/value` : pointer });
        checkStepRefs(template, seen, undefined);
        return { name, template, sensitive: long ? spec.sensitive === true : false };
      }),
    );
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
      const value = withPosition(this.source, () => this.vars.templates.get(name)!.render(scope));
      scope.setEntry('vars', name, value);
    }
  }

  /** Renders the outputs; declared-sensitive ones, and any computed from a secret, are sensitive. */
  renderOutputs(scope: Scope): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const o of this.outputs) {
      // A copy, so that changing a result never changes the workflow or the journal.
      const v = copyPlain(withPosition(this.source, () => o.template.render(scope)));
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

function checkShape(w: Workflow): void {
  if (typeof w !== 'object' || w === null) throw new WorkflowError('a workflow must be an object');
  if (w.kind !== 'Workflow') throw new WorkflowError(`kind must be 'Workflow' (got ${JSON.stringify(w.kind)})`, { path: '/kind' });
  if (typeof w.metadata?.name !== 'string') throw new WorkflowError('metadata.name is required', { path: '/metadata/name' });
  if (!Array.isArray(w.steps) || w.steps.length === 0) throw new WorkflowError('steps must be a non-empty list', { path: '/steps' });
  if (w.parameters !== undefined && !Array.isArray(w.parameters)) throw new WorkflowError('parameters must be a list', { path: '/parameters' });
}

function compileStep(spec: StepSpec, index: number, registry: StepRegistry, seen: Set<string>, defaults: RetryPolicy): CompiledStep {
  const base = `/steps/${index}`;
  if (typeof spec?.name !== 'string' || !spec.name) throw new WorkflowError(`step #${index + 1} has no name`, { path: base });
  if (seen.has(spec.name)) throw new WorkflowError(`step name '${spec.name}' is used twice`, { path: `${base}/name` });
  let definition: StepDefinition;
  try {
    definition = registry.get(spec.type);
  } catch (err) {
    throw Object.assign(err as InnominatusError, { path: `${base}/type` });
  }
  const withValue = spec.with ?? {};
  const deferred = new Map<string, CompiledExpression>();
  for (const [field, variables] of Object.entries(definition.deferred)) {
    const text = withValue[field];
    if (text === undefined) continue;
    const pointer = `${base}/with/${escapePointer(field)}`;
    if (typeof text !== 'string') throw new WorkflowError(`'${field}' must be a CEL expression string`, { path: pointer });
    if (hasTemplate(text)) {
      throw new WorkflowError(`'${field}' is evaluated later by the step: write the CEL expression without \${{ }}`, { path: pointer });
    }
    try {
      deferred.set(field, compileExpression(text, variables));
    } catch (err) {
      throw Object.assign(err as InnominatusError, { path: pointer });
    }
  }
  const input = compileTemplate(withValue, { pointer: `${base}/with`, literalKeys: Object.keys(definition.deferred) });
  checkStepRefs(input, seen, spec.name);
  let condition: Template | undefined;
  if (spec.if !== undefined && spec.if !== true) {
    const ifValue = typeof spec.if === 'string' && !hasTemplate(spec.if) ? `\${{ ${spec.if} }}` : spec.if;
    condition = compileTemplate(ifValue, { pointer: `${base}/if` });
    checkStepRefs(condition, seen, spec.name);
  }
  const timeoutMs = parseOr(spec.timeout ?? definition.timeout, `${base}/timeout`);
  const retry: RetryPolicy = {
    attempts: spec.retry?.attempts ?? defaults.attempts,
    backoffMs: spec.retry?.backoff !== undefined ? parseOr(spec.retry.backoff, `${base}/retry/backoff`) : defaults.backoffMs,
    maxBackoffMs: spec.retry?.maxBackoff !== undefined ? parseOr(spec.retry.maxBackoff, `${base}/retry/maxBackoff`) : defaults.maxBackoffMs,
  };
  if (!Number.isInteger(retry.attempts) || retry.attempts < 1 || retry.attempts > 100) {
    throw new WorkflowError(`retry.attempts must be an integer from 1 to 100 (got ${JSON.stringify(retry.attempts)})`, { path: `${base}/retry/attempts` });
  }
  const resumeFromIndex = resumeFrom(spec, seen, `${base}/resumeFrom`);
  seen.add(spec.name);
  return { index, spec, definition, input, ...(condition ? { condition } : {}), deferred, timeoutMs, retry, ...(resumeFromIndex === undefined ? {} : { resumeFromIndex }) };
}

/** The index of the earlier step `resumeFrom` names (steps are indexed in the order `earlier` was filled). */
function resumeFrom(spec: StepSpec, earlier: Set<string>, path: string): number | undefined {
  if (spec.resumeFrom === undefined) return undefined;
  const index = typeof spec.resumeFrom === 'string' ? [...earlier].indexOf(spec.resumeFrom) : -1;
  if (index < 0) {
    const why = spec.resumeFrom === spec.name ? 'a step resumes from itself without it' : `no earlier step is named ${JSON.stringify(spec.resumeFrom)}`;
    throw new WorkflowError(`resumeFrom must name an earlier step: ${why}`, { path });
  }
  return index;
}

function checkStepRefs(t: Template, earlier: Set<string>, self: string | undefined): void {
  for (const e of t.expressions) {
    for (const r of e.expression.references) {
      if (r.root !== 'steps') continue;
      const target = r.path[0];
      if (target === undefined) continue;
      if (!earlier.has(target)) {
        const why = target === self ? 'a step cannot read its own outputs' : `no earlier step is named '${target}'`;
        throw new WorkflowError(`expression '${e.expression.source}' reads steps["${target}"]: ${why}`, { path: e.pointer });
      }
    }
  }
}

/** Longest timeout or backoff: what one timer can wait (about 24.8 days). */
const MAX_DURATION_MS = 2 ** 31 - 1;

function parseOr(value: string | number, path: string): number {
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch (err) {
    throw new WorkflowError((err as Error).message, { path });
  }
  if (ms > MAX_DURATION_MS) throw new WorkflowError(`duration ${JSON.stringify(value)} is longer than the maximum of 24 days`, { path });
  return ms;
}

/** Adds the source position of an error's `path`, when a source map is known. */
export function withPosition<T>(source: SourceMap | undefined, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (source && InnominatusError.is(err) && err.path !== undefined && err.position === undefined) {
      const pos = source.positionOf(err.path);
      if (pos) Object.defineProperty(err, 'position', { value: { file: source.file, ...pos }, enumerable: true });
    }
    throw err;
  }
}

function copyPlain(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || isSensitive(v)) return v;
  if (Array.isArray(v)) return v.map(copyPlain);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: copyPlain(x), enumerable: true, writable: true, configurable: true });
  return out;
}
