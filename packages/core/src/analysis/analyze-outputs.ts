import type { CompiledOutput } from '../engine/compile-workflow';
import { isLongOutput, LONG_OUTPUT_FIELDS } from '../model/workflow';
import { WORKFLOW_VARIABLES } from '../expressions/cel-environment';
import { checkingValidatorFor } from '../util/ajv';
import { escapePointer } from '../util/json-pointer';
import type { Declarations } from './declarations';
import { didYouMean } from './did-you-mean';
import type { IssueList } from './issues';
import { checkReferences } from './reference-check';
import { show } from './schema-issues';
import { checkTemplateAgainstSchema } from './schema-type-check';
import { sensitiveSource } from './sensitivity';
import { compileSites } from './template-sites';
import type { WorkflowTypes } from './workflow-types';

/**
 * Analyses the outputs: the long form's keys (`value`, `sensitive`,
 * `description`, `type`, anything else an error with a "did you mean"), each
 * expression's references and type, the value against a declared `type`, and
 * that an output computed from a secret is marked sensitive.
 */
export function analyzeOutputs(
  outputs: Record<string, unknown>,
  declared: Declarations,
  types: WorkflowTypes,
  taintedVars: ReadonlySet<string>,
  issues: IssueList,
): CompiledOutput[] {
  const checker = types.checker(WORKFLOW_VARIABLES);
  return Object.entries(outputs).map(([name, spec]) => {
    const pointer = `/outputs/${escapePointer(name)}`;
    const long = isLongOutput(spec);
    if (long) checkLongForm(name, spec as unknown as Record<string, unknown>, pointer, issues);
    const valuePointer = long ? `${pointer}/value` : pointer;
    const value = long ? spec.value : spec;
    const { template, ok } = compileSites(value, { pointer: valuePointer }, issues);
    const refsOk = template.expressions.map((site) => checkReferences(site, { kind: 'outputs' }, declared, issues).ok).every(Boolean);
    const typed = ok && refsOk && types.checkAll(template.expressions, checker, issues);
    const schema = long && isSchema(spec.type) ? spec.type : undefined;
    if (schema && typed && schemaCompiles(schema, `${pointer}/type`, issues)) {
      const target = { schema, code: 'OUTPUT_INVALID' as const, label: `output '${name}'` };
      checkTemplateAgainstSchema(value, valuePointer, target, template.expressions, (s) => types.jsonTypeOf(s), issues);
    }
    const marked = long && spec.sensitive === true;
    const source = template.expressions.map((s) => sensitiveSource(s, declared, taintedVars)).find((x) => x !== undefined);
    // A warning: the engine marks such an output sensitive anyway (its value is tainted); the declaration documents it.
    if (source && !marked) {
      issues.warn('SENSITIVE_OUTPUT_NOT_MARKED', `output '${name}' is computed from sensitive ${source} but is not marked 'sensitive: true'`, pointer, 'key');
    }
    return { name, template, sensitive: marked, ...(schema ? { type: schema } : {}) };
  });
}

function checkLongForm(name: string, spec: Record<string, unknown>, pointer: string, issues: IssueList): void {
  for (const key of Object.keys(spec)) {
    if (LONG_OUTPUT_FIELDS.includes(key)) continue;
    const known = LONG_OUTPUT_FIELDS.filter((k) => k !== 'value');
    issues.error(
      'UNKNOWN_KEY',
      `unknown key '${key}' in outputs.${name}${didYouMean(key, known)} (an output's long form has ${LONG_OUTPUT_FIELDS.join(', ')})`,
      `${pointer}/${escapePointer(key)}`,
      'key',
    );
  }
  if (spec.sensitive !== undefined && typeof spec.sensitive !== 'boolean') {
    issues.error('OUTPUT_INVALID', `outputs.${name}.sensitive must be boolean (got ${show(spec.sensitive)})`, `${pointer}/sensitive`);
  }
  if (spec.description !== undefined && typeof spec.description !== 'string') {
    issues.error('OUTPUT_INVALID', `outputs.${name}.description must be string (got ${show(spec.description)})`, `${pointer}/description`);
  }
  if (spec.type !== undefined && !isSchema(spec.type)) {
    issues.error('OUTPUT_INVALID', `outputs.${name}.type must be a JSON Schema mapping, e.g. { type: string } (got ${show(spec.type)})`, `${pointer}/type`);
  }
}

function schemaCompiles(schema: Record<string, unknown>, pointer: string, issues: IssueList): boolean {
  try {
    checkingValidatorFor(schema);
    return true;
  } catch (err) {
    issues.error('OUTPUT_INVALID', `the output's type is not a valid JSON Schema: ${(err as Error).message}`, pointer);
    return false;
  }
}

function isSchema(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
