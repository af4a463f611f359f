import { formatReference } from '../expressions/references';
import type { TemplateExpression } from '../expressions/template';
import { FAILURE_FIELDS, RESOURCE_FIELDS, RUN_FIELDS } from './context-types';
import { forEachOutputSchema, type Declarations } from './declarations';
import { didYouMean } from './did-you-mean';
import type { IssueList } from './issues';
import { lookupSchema } from './schema-lookup';

/** Where an expression is written: in a var, a step (its `if` and `with`), the outputs, or a provider's parameter mapping. */
export type ExpressionPlace = { kind: 'vars'; name: string } | { kind: 'step'; index: number } | { kind: 'outputs' } | { kind: 'mapping' };

/**
 * Checks what one expression reads: declared parameters and vars, known
 * fields of `resource` and `run`, earlier steps only, and outputs the step
 * type's schema declares. Returns the vars it reads and whether it reported anything.
 */
export function checkReferences(site: TemplateExpression, place: ExpressionPlace, declared: Declarations, issues: IssueList): { vars: string[]; ok: boolean } {
  const before = issues.size;
  const vars: string[] = [];
  const report = (code: 'UNKNOWN_REFERENCE' | 'FORWARD_STEP_REFERENCE' | 'UNKNOWN_OUTPUT', message: string, start: number) =>
    issues.error(code, message, site.pointer, { offset: site.offset + start });
  for (const ref of site.expression.references) {
    const text = formatReference(ref);
    const [first, second, ...rest] = ref.path;
    if (first === undefined) {
      if (ref.root === 'vars' && place.kind === 'vars')
        report('UNKNOWN_REFERENCE', `var '${place.name}' reads all of 'vars'; name the var it needs (vars.NAME)`, ref.start);
      continue;
    }
    switch (ref.root) {
      case 'parameters':
        if (!declared.parameters.has(first) && !ref.guarded) {
          report('UNKNOWN_REFERENCE', `'${text}' reads parameter '${first}', which is not declared${didYouMean(first, declared.parameters.keys())}`, ref.start);
        }
        break;
      case 'vars':
        if (!declared.vars.has(first)) {
          if (!ref.guarded)
            report('UNKNOWN_REFERENCE', `'${text}' reads var '${first}', which is not declared${didYouMean(first, declared.vars.keys())}`, ref.start);
        } else vars.push(first);
        break;
      case 'resource':
        if (!RESOURCE_FIELDS.includes(first)) {
          report(
            'UNKNOWN_REFERENCE',
            `'${text}': resource has no field '${first}'${didYouMean(first, RESOURCE_FIELDS)} (fields: ${RESOURCE_FIELDS.join(', ')})`,
            ref.start,
          );
        }
        break;
      case 'run':
        if (!RUN_FIELDS.includes(first)) report('UNKNOWN_REFERENCE', `'${text}': run has no field '${first}' (fields: ${RUN_FIELDS.join(', ')})`, ref.start);
        break;
      case 'failure':
        if (!FAILURE_FIELDS.includes(first))
          report('UNKNOWN_REFERENCE', `'${text}': failure has no field '${first}' (fields: ${FAILURE_FIELDS.join(', ')})`, ref.start);
        break;
      case 'steps':
        checkStepReference(ref.start, text, first, second, rest, ref.guarded, place, declared, report);
        break;
    }
  }
  return { vars, ok: issues.size === before };
}

function checkStepReference(
  start: number,
  text: string,
  name: string,
  second: string | undefined,
  path: string[],
  guarded: boolean,
  place: ExpressionPlace,
  declared: Declarations,
  report: (code: 'UNKNOWN_REFERENCE' | 'FORWARD_STEP_REFERENCE' | 'UNKNOWN_OUTPUT', message: string, start: number) => void,
): void {
  const target = declared.steps.get(name);
  if (!target) {
    report('UNKNOWN_REFERENCE', `'${text}' reads step '${name}', which does not exist${didYouMean(name, declared.steps.keys())}`, start);
    return;
  }
  if (place.kind === 'vars') {
    report('FORWARD_STEP_REFERENCE', `'${text}': var '${place.name}' cannot read step outputs (vars are evaluated before the first step)`, start);
    return;
  }
  if (place.kind === 'outputs' && target.index >= declared.cleanupFrom) {
    report(
      'FORWARD_STEP_REFERENCE',
      `'${text}' reads onFailure step '${name}': outputs are rendered when the run succeeds, and onFailure steps run only when it fails`,
      start,
    );
    return;
  }
  if (place.kind === 'step' && target.index >= place.index) {
    const which = target.index === place.index ? 'its own outputs' : `step '${name}', which runs later`;
    report('FORWARD_STEP_REFERENCE', `'${text}' reads ${which}; a step can only read earlier steps`, start);
    return;
  }
  if (second === undefined || second === 'skipped') return;
  if (second !== 'outputs') {
    report('UNKNOWN_REFERENCE', `'${text}': a step exposes only 'outputs' and 'skipped'`, start);
    return;
  }
  const def = target.definition;
  if (!def || guarded) return;
  // For a computed index the path is a prefix: what is known of it must exist.
  const found = lookupSchema(target.forEach ? forEachOutputSchema(def.output) : def.output, path);
  if (found.status === 'missing') {
    const prefix = formatReference({ root: 'steps', path: [name, 'outputs', ...path.slice(0, path.indexOf(found.missing!))] });
    report('UNKNOWN_OUTPUT', `'${text}': step type '${def.type}' has no output '${found.missing}' under ${prefix}`, start);
  }
}
