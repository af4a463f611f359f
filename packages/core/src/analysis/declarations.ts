import { parameterValueSchema } from '../engine/parameters';
import type { StepRegistry } from '../steps/step-registry';
import { stepOutputSchema, type StepDefinition } from '../steps/define-step';
import { checkingValidatorFor, internSchema } from '../util/ajv';
import { placedSteps } from '../model/workflow';
import { escapePointer } from '../util/json-pointer';
import type { IssueList } from './issues';
import { show } from './schema-issues';

/** A step as the analysis knows it by name. */
export interface DeclaredStep {
  index: number;
  type: unknown;
  /** The step type's definition, when the type is registered. */
  definition?: StepDefinition;
  /** Its output schema for this step's `with` (which outputs are sensitive), when the type is registered; `{ items: [...] }` for a forEach step. */
  output?: unknown;
  /** The step runs once per item of a list (`forEach`): its outputs are `{ items: [outputs of each iteration] }`. */
  forEach?: boolean;
}

/** The outputs of a forEach step: `items`, the outputs of each iteration in the list's order. */
export function forEachOutputSchema(output: unknown): Record<string, unknown> {
  return { type: 'object', properties: { items: { type: 'array', items: output } }, required: ['items'], additionalProperties: false };
}

/** The names a workflow declares: parameters, vars and steps (the first of each name). */
export interface Declarations {
  parameters: Map<string, Record<string, unknown>>;
  vars: Map<string, unknown>;
  steps: Map<string, DeclaredStep>;
  /** The index of the first `onFailure` step (the number of steps): steps from there on run only when the run fails. */
  cleanupFrom: number;
}

/**
 * Collects the declared names, reporting a name used twice, a parameter whose
 * schema does not compile and a default its own schema refuses.
 */
export function collectDeclarations(doc: Record<string, unknown>, registry: StepRegistry, issues: IssueList): Declarations {
  const declared: Declarations = { parameters: new Map(), vars: new Map(), steps: new Map(), cleanupFrom: arrayOf(doc.steps).length };
  arrayOf(doc.parameters).forEach((p, i) => {
    if (!isObject(p) || typeof p.name !== 'string') return;
    if (declared.parameters.has(p.name)) issues.error('DUPLICATE_PARAMETER', `parameter '${p.name}' is declared twice`, `/parameters/${i}/name`);
    else declared.parameters.set(p.name, p);
    checkParameter(p, i, issues);
  });
  if (isObject(doc.vars)) for (const [name, value] of Object.entries(doc.vars)) declared.vars.set(name, value);
  // The onFailure steps come after the steps: index steps.length + their position (they may read every step).
  const main = arrayOf(doc.steps).length;
  for (const { step: s, index: i, pointer: at } of placedSteps(doc)) {
    if (!isObject(s) || typeof s.name !== 'string') continue;
    const first = declared.steps.get(s.name);
    if (first) {
      issues.error('DUPLICATE_STEP', `step name '${s.name}' is already used by ${stepLabel(first.index, main)}`, `${at}/name`);
      continue;
    }
    const definition = typeof s.type === 'string' ? registry.find(s.type) : undefined;
    const loop = s.forEach !== undefined;
    const output = definition && (loop ? forEachOutputSchema(stepOutputSchema(definition, s.with)) : stepOutputSchema(definition, s.with));
    declared.steps.set(s.name, { index: i, type: s.type, ...(loop ? { forEach: true } : {}), ...(definition ? { definition, output } : {}) });
  }
  return declared;
}

function checkParameter(p: Record<string, unknown>, i: number, issues: IssueList): void {
  let validate: ReturnType<typeof checkingValidatorFor>;
  try {
    const { default: _ignored, ...schema } = parameterValueSchema(p);
    validate = checkingValidatorFor(internSchema(schema));
  } catch (err) {
    issues.error('PARAMETER_SCHEMA_INVALID', `parameter '${String(p.name)}' has an invalid schema: ${(err as Error).message}`, `/parameters/${i}`);
    return;
  }
  if (!('default' in p) || validate(p.default)) return;
  const why = (validate.errors ?? []).map((e) => `${e.instancePath || 'value'} ${e.message}`).join('; ');
  // ajv messages name constraints, never the value, so they are safe for sensitive parameters too.
  const shown = p.sensitive === true ? 'of sensitive' : `${show(p.default)} of`;
  issues.error('PARAMETER_DEFAULT_INVALID', `default ${shown} parameter '${String(p.name)}' is invalid: ${why}`, `/parameters/${i}/default`);
}

/** `step N` of the steps, `onFailure step N` of the cleanup steps (1-based). */
function stepLabel(index: number, main: number): string {
  return index < main ? `step ${index + 1}` : `onFailure step ${index - main + 1}`;
}

/** `/vars/NAME`. */
export function varPointer(name: string): string {
  return `/vars/${escapePointer(name)}`;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function arrayOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
