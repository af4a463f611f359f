import { formatReference, isLongOutput, parseDuration, WORKFLOW_VARIABLES, type StepRegistry, type Workflow, type Reference, compileExpression, escapePointer } from '@innominatus/core';
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic';
import { closest, didYouMean } from '../diagnostics/did-you-mean';
import { sdkAjv, type ValidateFunction } from '../schema/ajv';
import { checkSchema, show } from '../schema/check-schema';
import { workflowSchema } from '../schema/schemas';
import type { YamlSourceMap } from '../yaml/yaml-source-map';
import { DiagnosticSink } from './diagnostic-sink';
import { collectExpressions, messageOf, offsetOf, type ExpressionSite } from './expression-sites';
import { lookupSchema } from './output-schema';
import { checkStepInput } from './step-input';

/** Fields of `resource` an expression may read. */
export const RESOURCE_FIELDS = ['id', 'name', 'type', 'class', 'application', 'metadata', 'properties', 'operation'] as const;
/** Fields of `run` an expression may read. */
export const RUN_FIELDS = ['id', 'attempt'] as const;

/** The result of validating one workflow document. */
export interface WorkflowValidation {
  /** The workflow, when it has no errors. */
  workflow?: Workflow;
  diagnostics: Diagnostic[];
}

type Ctx = { kind: 'vars'; name: string } | { kind: 'step'; index: number } | { kind: 'outputs' };

interface Declared {
  parameters: Map<string, Record<string, unknown>>;
  vars: Set<string>;
  steps: Map<string, { index: number; type: unknown }>;
}

/**
 * Validates a parsed workflow document against the schema and every rule of
 * the language (step types and inputs, expressions and their references,
 * sensitive outputs, parameter defaults), collecting every problem.
 */
export function validateWorkflow(value: unknown, source: YamlSourceMap, steps: StepRegistry): WorkflowValidation {
  const sink = new DiagnosticSink(source);
  sink.diagnostics.push(...checkSchema(value, workflowSchema, source, 'WORKFLOW_SCHEMA'));
  const doc = (isObject(value) ? value : {}) as Record<string, unknown>;
  const params = arrayOf(doc.parameters);
  const stepList = arrayOf(doc.steps);
  const varsObj = isObject(doc.vars) ? doc.vars : {};
  const outputs = isObject(doc.outputs) ? doc.outputs : {};

  const declared: Declared = { parameters: new Map(), vars: new Set(Object.keys(varsObj)), steps: new Map() };
  params.forEach((p, i) => {
    if (!isObject(p) || typeof p.name !== 'string') return;
    if (declared.parameters.has(p.name)) sink.add('DUPLICATE_PARAMETER', `parameter '${p.name}' is declared twice`, `/parameters/${i}/name`);
    else declared.parameters.set(p.name, p);
    checkParameterDefault(p, i, sink);
  });
  stepList.forEach((s, i) => {
    if (!isObject(s) || typeof s.name !== 'string') return;
    const first = declared.steps.get(s.name);
    if (first) sink.add('DUPLICATE_STEP', `step name '${s.name}' is already used by step ${first.index + 1}`, `/steps/${i}/name`);
    else declared.steps.set(s.name, { index: i, type: s.type });
  });
  stepList.forEach((s, i) => {
    if (!isObject(s) || typeof s.resumeFrom !== 'string') return;
    const target = declared.steps.get(s.resumeFrom);
    if (target && target.index < i) return;
    const why = s.resumeFrom === s.name ? 'a step cannot resume from itself' : target ? `step '${s.resumeFrom}' comes after it` : `no step is named '${s.resumeFrom}'${didYouMean(s.resumeFrom, declared.steps.keys())}`;
    sink.add('RESUME_FROM_INVALID', `resumeFrom must name an earlier step: ${why}`, `/steps/${i}/resumeFrom`);
  });

  // vars: expressions, references, cycles, taint
  const varDeps = new Map<string, string[]>();
  const varSites = new Map<string, ExpressionSite[]>();
  for (const [name, v] of Object.entries(varsObj)) {
    const sites = expressionsOf(v, `/vars/${escapePointer(name)}`, sink);
    varSites.set(name, sites);
    varDeps.set(name, []);
    for (const site of sites) checkReferences(site, { kind: 'vars', name }, declared, steps, sink, varDeps.get(name)!);
  }
  checkVarCycles(varDeps, sink);

  // steps
  stepList.forEach((s, i) => {
    if (!isObject(s)) return;
    const base = `/steps/${i}`;
    const def = typeof s.type === 'string' ? steps.find(s.type) : undefined;
    if (typeof s.type === 'string' && !def) {
      sink.add('UNKNOWN_STEP_TYPE', `unknown step type '${s.type}'${didYouMean(s.type, steps.types())} (known: ${steps.types().join(', ') || 'none'})`, `${base}/type`);
    }
    for (const field of ['timeout'] as const) checkDuration(s[field], `${base}/${field}`, sink);
    if (isObject(s.retry)) {
      checkDuration(s.retry.backoff, `${base}/retry/backoff`, sink);
      checkDuration(s.retry.maxBackoff, `${base}/retry/maxBackoff`, sink);
    }
    const ctx: Ctx = { kind: 'step', index: i };
    if (typeof s.if === 'string') {
      for (const site of conditionExpressions(s.if, `${base}/if`, sink)) checkReferences(site, ctx, declared, steps, sink);
    }
    const withValue = isObject(s.with) ? s.with : {};
    const deferred = def?.deferred ?? {};
    const sites = expressionsOf(withValue, `${base}/with`, sink, new Set(Object.keys(deferred)));
    for (const site of sites) checkReferences(site, ctx, declared, steps, sink);
    for (const [field, variables] of Object.entries(deferred)) {
      const text = withValue[field];
      if (text === undefined) continue;
      const pointer = `${base}/with/${escapePointer(field)}`;
      if (typeof text !== 'string') continue; // the input schema reports the type
      if (text.includes('${{')) {
        sink.add('STEP_INPUT_INVALID', `'${field}' is evaluated later by the step: write the CEL expression without \${{ }}`, pointer);
        continue;
      }
      try {
        compileExpression(text, variables);
      } catch (err) {
        sink.add('EXPRESSION_SYNTAX', `${field}: ${messageOf(err)}`, pointer, { offset: offsetOf(err) ?? 0 });
      }
    }
    // An input written under a misspelt `with` (`wiht:`) is reported as that unknown key, not again as an empty input.
    if (def && !inputMisspelt(s)) checkStepInput(withValue, `${base}/with`, def, sites, declared.parameters, stepOutputType(declared, steps), sink);
  });

  // outputs
  const taintedVars = taintedVariables(varSites, declared, steps);
  for (const [name, spec] of Object.entries(outputs)) {
    const long = isLongOutput(spec);
    const pointer = `/outputs/${escapePointer(name)}`;
    const sites = expressionsOf(long ? spec.value : spec, long ? `${pointer}/value` : pointer, sink);
    for (const site of sites) checkReferences(site, { kind: 'outputs' }, declared, steps, sink);
    if (long && spec.sensitive !== undefined && typeof spec.sensitive !== 'boolean') {
      sink.add('WORKFLOW_SCHEMA', `outputs.${name}.sensitive must be boolean (got ${show(spec.sensitive)})`, `${pointer}/sensitive`);
    }
    if (long && spec.description !== undefined && typeof spec.description !== 'string') {
      sink.add('WORKFLOW_SCHEMA', `outputs.${name}.description must be string (got ${show(spec.description)})`, `${pointer}/description`);
    }
    const marked = long && spec.sensitive === true;
    const source = sites.map((s) => sensitiveSource(s, declared, steps, taintedVars)).find((x) => x !== undefined);
    if (source && !marked) {
      sink.add('SENSITIVE_OUTPUT_NOT_MARKED', `output '${name}' is computed from sensitive ${source} but is not marked 'sensitive: true'`, pointer, 'key');
    }
  }

  const diagnostics = sink.diagnostics;
  return hasErrors(diagnostics) ? { diagnostics } : { workflow: value as Workflow, diagnostics };
}

function expressionsOf(value: unknown, pointer: string, sink: DiagnosticSink, skip?: ReadonlySet<string>): ExpressionSite[] {
  const { sites, problems } = collectExpressions(value, pointer, WORKFLOW_VARIABLES, skip);
  for (const p of problems) sink.add('EXPRESSION_SYNTAX', p.message, p.pointer, { offset: p.offset });
  return sites;
}

/** `if:` is a template, or bare CEL when it holds no `${{ }}` (as the engine reads it). */
function conditionExpressions(text: string, pointer: string, sink: DiagnosticSink): ExpressionSite[] {
  if (text.includes('${{')) return expressionsOf(text, pointer, sink);
  try {
    return [{ pointer, offset: 0, whole: true, expression: compileExpression(text) }];
  } catch (err) {
    sink.add('EXPRESSION_SYNTAX', messageOf(err), pointer, { offset: offsetOf(err) ?? 0 });
    return [];
  }
}

function checkReferences(site: ExpressionSite, ctx: Ctx, declared: Declared, steps: StepRegistry, sink: DiagnosticSink, varDeps?: string[]): void {
  for (const ref of site.expression.references) {
    const at = { offset: site.offset + ref.start };
    const text = formatReference(ref);
    const [first, second, ...rest] = ref.path;
    if (first === undefined) {
      if (ref.root === 'vars' && ctx.kind === 'vars') {
        sink.add('UNKNOWN_REFERENCE', `var '${ctx.name}' reads all of 'vars'; name the var it needs (vars.NAME)`, site.pointer, at);
      }
      continue;
    }
    switch (ref.root) {
      case 'parameters':
        if (!declared.parameters.has(first) && !ref.guarded) {
          sink.add('UNKNOWN_REFERENCE', `'${text}' reads parameter '${first}', which is not declared${didYouMean(first, declared.parameters.keys())}`, site.pointer, at);
        }
        break;
      case 'vars':
        if (!declared.vars.has(first) && !ref.guarded) {
          sink.add('UNKNOWN_REFERENCE', `'${text}' reads var '${first}', which is not declared${didYouMean(first, declared.vars)}`, site.pointer, at);
        } else varDeps?.push(first);
        break;
      case 'resource':
        if (!(RESOURCE_FIELDS as readonly string[]).includes(first)) {
          sink.add('UNKNOWN_REFERENCE', `'${text}': resource has no field '${first}' (fields: ${RESOURCE_FIELDS.join(', ')})`, site.pointer, at);
        }
        break;
      case 'run':
        if (!(RUN_FIELDS as readonly string[]).includes(first)) {
          sink.add('UNKNOWN_REFERENCE', `'${text}': run has no field '${first}' (fields: ${RUN_FIELDS.join(', ')})`, site.pointer, at);
        }
        break;
      case 'steps': {
        const target = declared.steps.get(first);
        if (!target) {
          sink.add('UNKNOWN_REFERENCE', `'${text}' reads step '${first}', which does not exist${didYouMean(first, declared.steps.keys())}`, site.pointer, at);
          break;
        }
        if (ctx.kind === 'vars') {
          sink.add('FORWARD_STEP_REFERENCE', `'${text}': var '${ctx.name}' cannot read step outputs (vars are evaluated before the first step)`, site.pointer, at);
          break;
        }
        if (ctx.kind === 'step' && target.index >= ctx.index) {
          const which = target.index === ctx.index ? 'its own outputs' : `step '${first}', which runs later`;
          sink.add('FORWARD_STEP_REFERENCE', `'${text}' reads ${which}; a step can only read earlier steps`, site.pointer, at);
          break;
        }
        if (second === undefined) break;
        if (second !== 'outputs') {
          sink.add('UNKNOWN_REFERENCE', `'${text}': a step exposes only 'outputs'`, site.pointer, at);
          break;
        }
        const def = typeof target.type === 'string' ? steps.find(target.type) : undefined;
        if (!def || ref.guarded) break;
        // For a computed index the path is a prefix: what is known of it must exist.
        const path = rest;
        const found = lookupSchema(def.output, path);
        if (found.status === 'missing') {
          const prefix = formatReference({ root: 'steps', path: [first, 'outputs', ...path.slice(0, path.indexOf(found.missing!))] });
          sink.add('UNKNOWN_OUTPUT', `'${text}': step type '${def.type}' has no output '${found.missing}' under ${prefix}`, site.pointer, at);
        }
        break;
      }
    }
  }
}

function checkVarCycles(deps: Map<string, string[]>, sink: DiagnosticSink): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      const key = [...cycle].sort().join(',');
      if (!reported.has(key)) {
        reported.add(key);
        sink.add('VARS_CYCLE', `vars refer to each other in a cycle: ${cycle.join(' -> ')}`, `/vars/${escapePointer(name)}`, 'key');
      }
      return;
    }
    state.set(name, 'visiting');
    for (const d of deps.get(name) ?? []) if (deps.has(d)) visit(d, [...trail, name]);
    state.set(name, 'done');
  };
  for (const name of deps.keys()) visit(name, []);
}

function checkDuration(value: unknown, pointer: string, sink: DiagnosticSink): void {
  if (typeof value !== 'string' && typeof value !== 'number') return;
  try {
    parseDuration(value);
  } catch (err) {
    sink.add('INVALID_DURATION', messageOf(err), pointer);
  }
}

const NOT_SCHEMA = new Set(['name', 'required', 'sensitive', 'description']);

/** The JSON Schema of one declared parameter (what the engine validates inputs with). */
export function parameterSchema(p: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(p).filter(([k]) => !NOT_SCHEMA.has(k)));
}

const parameterValidators = new Map<string, ValidateFunction>();

/** Parameter schemas repeat across workflows: compile each distinct one once (bounded cache). */
function parameterValidator(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  let v = parameterValidators.get(key);
  if (!v) {
    v = sdkAjv().compile(schema);
    if (parameterValidators.size >= 1000) parameterValidators.clear();
    parameterValidators.set(key, v);
  }
  return v;
}

function checkParameterDefault(p: Record<string, unknown>, i: number, sink: DiagnosticSink): void {
  let validate;
  try {
    const { default: _ignored, ...schema } = parameterSchema(p);
    validate = parameterValidator(schema);
  } catch (err) {
    sink.add('PARAMETER_SCHEMA_INVALID', `parameter '${String(p.name)}' has an invalid schema: ${messageOf(err)}`, `/parameters/${i}`);
    return;
  }
  if (!('default' in p)) return;
  if (!validate(p.default)) {
    const why = (validate.errors ?? []).map((e) => `${e.instancePath || 'value'} ${e.message}`).join('; ');
    // ajv messages name constraints, never the value, so they are safe for sensitive parameters too.
    const shown = p.sensitive === true ? 'of sensitive' : `${show(p.default)} of`;
    sink.add('PARAMETER_DEFAULT_INVALID', `default ${shown} parameter '${String(p.name)}' is invalid: ${why}`, `/parameters/${i}/default`);
  }
}

function stepOutputType(declared: Declared, steps: StepRegistry) {
  return (ref: Reference): Record<string, unknown> | undefined => {
    const [name, outputs, ...rest] = ref.path;
    if (ref.root !== 'steps' || outputs !== 'outputs' || name === undefined) return undefined;
    const type = declared.steps.get(name)?.type;
    const def = typeof type === 'string' ? steps.find(type) : undefined;
    const r = def ? lookupSchema(def.output, rest) : undefined;
    return r?.status === 'ok' ? r.schema : undefined;
  };
}

function taintedVariables(varSites: Map<string, ExpressionSite[]>, declared: Declared, steps: StepRegistry): Set<string> {
  const tainted = new Set<string>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, sites] of varSites) {
      if (tainted.has(name)) continue;
      if (sites.some((s) => sensitiveSource(s, declared, steps, tainted) !== undefined)) {
        tainted.add(name);
        changed = true;
      }
    }
  }
  return tainted;
}

/** What sensitive value an expression reads (e.g. `step output 'steps["x"].outputs.password'`), if any. */
function sensitiveSource(site: ExpressionSite, declared: Declared, steps: StepRegistry, taintedVars: ReadonlySet<string>): string | undefined {
  for (const ref of site.expression.references) {
    const [first, second, ...rest] = ref.path;
    if (first === undefined) continue;
    if (ref.root === 'parameters' && declared.parameters.get(first)?.sensitive === true) return `parameter '${first}'`;
    if (ref.root === 'vars' && taintedVars.has(first)) return `var '${first}'`;
    if (ref.root === 'steps' && second === 'outputs') {
      const type = declared.steps.get(first)?.type;
      const def = typeof type === 'string' ? steps.find(type) : undefined;
      if (def && lookupSchema(def.output, rest).sensitive) return `step output '${formatReference(ref)}'`;
    }
  }
  return undefined;
}

/** The keys a step may have, from the workflow schema. */
const STEP_KEYS = Object.keys(((workflowSchema.properties as Record<string, { items: { properties: object } }>).steps!.items.properties));

/** True when a step has no `with` but has an unknown key that is a likely typo of it. */
function inputMisspelt(step: Record<string, unknown>): boolean {
  return step.with === undefined && Object.keys(step).some((k) => !STEP_KEYS.includes(k) && closest(k, STEP_KEYS) === 'with');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function arrayOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
