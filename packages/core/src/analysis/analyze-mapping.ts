import { parameterValueSchema } from '../engine/parameters';
import type { Workflow } from '../model/workflow';
import type { OperationSpec } from '../providers/provider-model';
import { MAPPING_VARIABLES } from '../providers/parameter-mapping';
import { internSchema } from '../util/ajv';
import { escapePointer } from '../util/json-pointer';
import type { Declarations } from './declarations';
import { didYouMean } from './did-you-mean';
import type { IssueList } from './issues';
import { checkReferences } from './reference-check';
import { checkTemplateAgainstSchema } from './schema-type-check';
import { compileSites } from './template-sites';
import { WorkflowTypes } from './workflow-types';

const NO_DECLARATIONS: Declarations = { parameters: new Map(), vars: new Map(), steps: new Map(), cleanupFrom: 0 };

/** What names the mapping: the operation, the resource type and the workflow. */
export interface MappingPlace {
  operation: string;
  type: string;
  workflowName: string;
  /** JSON pointer of the operation inside provider.yaml. */
  pointer: string;
}

/**
 * Checks an operation's parameter mapping against the workflow it runs:
 * every mapped name is a declared parameter, every expression parses, reads
 * known fields of `resource` and type-checks, a value of known type fits the
 * parameter's schema, and every required parameter without a default is mapped.
 */
export function analyzeMapping(spec: OperationSpec, workflow: Workflow, place: MappingPlace, issues: IssueList): void {
  const declared = new Map((workflow.parameters ?? []).map((p) => [p.name, p]));
  const mapped = new Set<string>();
  const types = new WorkflowTypes(NO_DECLARATIONS);
  const checker = types.checker(MAPPING_VARIABLES);
  const map = typeof spec.parameters === 'object' && spec.parameters !== null ? spec.parameters : {};
  for (const [name, value] of Object.entries(map)) {
    const at = `${place.pointer}/parameters/${escapePointer(name)}`;
    mapped.add(name);
    const param = declared.get(name);
    if (!param)
      issues.error('MAPPING_UNKNOWN_PARAMETER', `workflow '${place.workflowName}' has no parameter '${name}'${didYouMean(name, declared.keys())}`, at, 'key');
    const { template, ok } = compileSites(value, { pointer: at, variables: MAPPING_VARIABLES }, issues);
    const refsOk = template.expressions.map((site) => checkReferences(site, { kind: 'mapping' }, NO_DECLARATIONS, issues).ok).every(Boolean);
    if (!ok || !refsOk || !types.checkAll(template.expressions, checker, issues) || !param) continue;
    const target = {
      schema: internSchema(parameterValueSchema(param)),
      code: 'MAPPING_INVALID' as const,
      label: `parameter '${name}' of workflow '${place.workflowName}'`,
    };
    checkTemplateAgainstSchema(value, at, target, template.expressions, (s) => types.jsonTypeOf(s), issues);
  }
  (Array.isArray(spec.fromProperties) ? spec.fromProperties : []).forEach((name, j) => {
    if (typeof name !== 'string') return;
    mapped.add(name);
    if (!declared.has(name)) {
      issues.error(
        'MAPPING_UNKNOWN_PARAMETER',
        `workflow '${place.workflowName}' has no parameter '${name}'${didYouMean(name, declared.keys())}`,
        `${place.pointer}/fromProperties/${j}`,
      );
    }
  });
  for (const p of workflow.parameters ?? []) {
    if (p.required === true && !('default' in p) && !mapped.has(p.name)) {
      issues.error(
        'REQUIRED_PARAMETER_UNMAPPED',
        `required parameter '${p.name}' of workflow '${place.workflowName}' is not mapped for '${place.operation}' of '${place.type}'; add it to 'parameters', or to 'fromProperties' if requests set it as a property`,
        place.pointer,
        'key',
      );
    }
  }
}
