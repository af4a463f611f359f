import {
  compileExpression,
  compileWorkflow,
  hasTemplate,
  ExpressionError,
  InnominatusError,
  isSensitive,
  WORKFLOW_VARIABLES,
  type CompiledExpression,
  type LoadedWorkflow,
  type Reference,
  type ResourceContext,
  type Scope,
  type StepRegistry,
} from '@innominatus/core';
import { escapePointer, lookupSchema, scanTemplate } from '@innominatus/core/internal';

/** What a dry run shows for one step. */
export interface RenderedStep {
  name: string;
  type: string;
  /** `true`: runs; `false`: skipped by its `if`; `unknown`: its `if` depends on an earlier step's outputs. */
  runs: boolean | 'unknown';
  /** The input exactly as it would be given to the step, with placeholders for values known only at run time. */
  input: Record<string, unknown>;
}

/** The result of {@link renderWorkflow}. */
export interface RenderResult {
  /** Validated parameters, defaults applied; sensitive ones as `<sensitive>`. */
  parameters: Record<string, unknown>;
  vars: Record<string, unknown>;
  steps: RenderedStep[];
  outputs: Record<string, unknown>;
}

/** Options of {@link renderWorkflow}. */
export interface RenderOptions {
  parameters?: Record<string, unknown>;
  /** The resource request, as the orchestrator would pass it. */
  resource?: ResourceContext;
}

/** Shown in place of a sensitive value. */
export const SENSITIVE_PLACEHOLDER = '<sensitive>';

/**
 * A dry run of a workflow: validates the parameters, evaluates `vars`, and
 * renders each step's input. Values that exist only at run time (outputs of
 * earlier steps) appear as typed placeholders such as
 * `<steps.get-credentials.outputs.data.password: string>`; sensitive values as
 * `<sensitive>`. Nothing is run.
 *
 * @throws ParameterError for invalid parameters, ExpressionError when an expression fails.
 */
export function renderWorkflow(loaded: LoadedWorkflow, steps: StepRegistry, options: RenderOptions = {}): RenderResult {
  const compiled = compileWorkflow(loaded.workflow, steps, loaded.source ? { source: loaded.source } : {});
  const parameters = compiled.validateParameters(options.parameters ?? {});
  const scope = compiled.newScope(parameters, options.resource ? { resource: options.resource } : {}, { id: 'dry-run', attempt: 1 });
  compiled.evaluateVars(scope);
  const outputTypes = new Map(compiled.steps.map((s) => [s.spec.name, s.outputSchema as unknown]));
  const placeholder = (ref: Reference): string => {
    const [name, , ...path] = ref.path;
    const found = lookupSchema(outputTypes.get(name ?? ''), path);
    const type = found.status === 'ok' && typeof found.schema?.type === 'string' ? found.schema.type : 'unknown';
    return `<${['steps', ...ref.path].join('.')}: ${type}>`;
  };
  // Errors name the field (JSON pointer) and, for a loaded file, its file:line:col.
  const at = <T>(fallback: string, fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (InnominatusError.is(err)) {
        const path = err.path ?? fallback;
        if (err.path === undefined) Object.defineProperty(err, 'path', { value: path, enumerable: true, configurable: true });
        const offset = ExpressionError.is(err) ? err.textOffset : undefined;
        const at = offset !== undefined ? loaded.source?.stringPositionOf?.(path, offset) : undefined;
        const pos = err.position === undefined ? (at ?? loaded.source?.positionOf(path)) : undefined;
        if (pos) Object.defineProperty(err, 'position', { value: { file: loaded.source?.file, ...pos }, enumerable: true, configurable: true });
      }
      throw err;
    }
  };
  const rendered: RenderedStep[] = compiled.steps.map((step) => {
    const deferred = new Set(Object.keys(step.definition.deferred));
    let runs: boolean | 'unknown' = true;
    if (step.spec.if !== undefined && step.spec.if !== true) {
      const cond = typeof step.spec.if === 'string' && !hasTemplate(step.spec.if) ? `\${{ ${step.spec.if} }}` : step.spec.if;
      const v = at(`${step.pointer}/if`, () => renderValue(cond, scope, placeholder, new Set(), 0, `${step.pointer}/if`));
      runs = typeof v === 'boolean' ? v : 'unknown';
    }
    const base = `${step.pointer}/with`;
    return {
      name: step.spec.name,
      type: step.spec.type,
      runs,
      input: at(base, () => renderValue(step.spec.with ?? {}, scope, placeholder, deferred, 0, base)) as Record<string, unknown>,
    };
  });
  const outputs: Record<string, unknown> = {};
  for (const o of compiled.outputs) {
    const spec = loaded.workflow.outputs?.[o.name];
    const value = typeof spec === 'object' && spec !== null && 'value' in spec ? (spec as { value: unknown }).value : spec;
    const pointer = `/outputs/${escapePointer(o.name)}${value === spec ? '' : '/value'}`;
    outputs[o.name] = o.sensitive ? SENSITIVE_PLACEHOLDER : at(pointer, () => renderValue(value, scope, placeholder, new Set(), 0, pointer));
  }
  const vars = Object.fromEntries(compiled.vars.order.map((name) => [name, hideSensitive((scope.get('vars') as Record<string, unknown>)[name])]));
  return { parameters: hideSensitive(parameters) as Record<string, unknown>, vars, steps: rendered, outputs };
}

function renderValue(value: unknown, scope: Scope, placeholder: (r: Reference) => string, skip: ReadonlySet<string>, depth: number, pointer: string): unknown {
  if (typeof value === 'string') {
    if (!hasTemplate(value)) return value;
    let values: unknown[];
    let parts: ReturnType<typeof scanTemplate>;
    try {
      parts = scanTemplate(value);
      values = parts.map((p) =>
        p.kind === 'text' ? p.text : atOffset(p.offset, () => evaluate(compileExpression(p.source, WORKFLOW_VARIABLES), scope, placeholder)),
      );
    } catch (err) {
      if (InnominatusError.is(err) && err.path === undefined) Object.defineProperty(err, 'path', { value: pointer, enumerable: true, configurable: true });
      throw err;
    }
    if (parts.length === 1 && parts[0]!.kind === 'expr') return values[0];
    return values.map((v) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v))).join('');
  }
  if (Array.isArray(value)) return value.map((v, i) => renderValue(v, scope, placeholder, new Set(), depth + 1, `${pointer}/${i}`));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        depth === 0 && skip.has(k) ? v : renderValue(v, scope, placeholder, new Set(), depth + 1, `${pointer}/${escapePointer(k)}`),
      ]),
    );
  }
  return value;
}

/** Runs `fn` for the expression at `offset` in its string; an expression error gets the character of the problem in the string. */
function atOffset<T>(offset: number, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (ExpressionError.is(err) && err.textOffset === undefined) {
      Object.defineProperty(err, 'textOffset', { value: offset + (err.offset ?? 0), enumerable: true });
    }
    throw err;
  }
}

function evaluate(expr: CompiledExpression, scope: Scope, placeholder: (r: Reference) => string): unknown {
  const stepRefs = expr.references.filter((r) => r.root === 'steps');
  if (stepRefs.length > 0) {
    const whole = stepRefs.length === 1 && expr.references.length === 1 && stepRefs[0]!.start === 0 && stepRefs[0]!.end === expr.source.length;
    return whole ? placeholder(stepRefs[0]!) : `<\${{ ${expr.source} }}: known at run time>`;
  }
  return hideSensitive(expr.evaluate(scope));
}

/** A deep copy with each sensitive value replaced by `<sensitive>`. */
export function hideSensitive(value: unknown, depth = 0): unknown {
  if (isSensitive(value)) return SENSITIVE_PLACEHOLDER;
  if (depth > 64 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => hideSensitive(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hideSensitive(v, depth + 1)]));
}
