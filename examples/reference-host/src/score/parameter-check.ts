import {
  InnominatusError,
  ParameterError,
  mapParameters,
  parameterSchema,
  validateParameters,
  type ProviderOperation,
  type ProviderRegistry,
  type Workflow,
} from '@innominatus/core';
import { ScoreError, type Issue } from '../errors';
import type { YamlSource } from '../util/yaml-source';
import type { ResourceChange } from './resource-plan';
import { at } from './issue-at';
import { SHARED_APPLICATION } from './shared-resources';

/** Parameter schemas by workflow, built once per loaded workflow. */
const schemas = new WeakMap<Workflow, Record<string, unknown>>();

function schemaOf(workflow: Workflow): Record<string, unknown> {
  let schema = schemas.get(workflow);
  if (!schema) {
    schema = parameterSchema(workflow.parameters ?? []);
    schemas.set(workflow, schema);
  }
  return schema;
}

/**
 * The operations a change must be able to run: a new resource must be
 * creatable and later deletable, a changed one updatable and deletable. An
 * operation the provider does not serve at all is left out for delete (it
 * would fail the same for any properties) and reported for the others.
 */
function operationsOf(change: ResourceChange, updateRuns: ReadonlyMap<string, 'create' | 'update'>): ProviderOperation[] {
  if (change.action === 'create') return ['create', 'delete'];
  if (change.action === 'update') return [updateRuns.get(change.id) ?? 'update', 'delete'];
  return [];
}

/**
 * Dry-runs what the orchestrator will do with each created or updated
 * resource (an update of a failed create runs the create workflow again): resolves type → provider → workflow, maps the properties to the
 * workflow's parameters and validates them against the workflow's
 * declaration. Throws one {@link ScoreError} (`SCORE_PROPERTIES_INVALID`)
 * listing every problem, each at the spec field it comes from
 * (`resources.<name>.params.<param>`, `resources.<name>` for a value
 * made from the resource name, `metadata.name` for one made from the
 * application name), before anything is stored or run.
 */
export function checkParameters(
  registry: ProviderRegistry,
  application: string,
  changes: readonly ResourceChange[],
  source?: YamlSource,
  /** For an update, the operation it runs when not `update` (a failed create is created again). */
  updateRuns: ReadonlyMap<string, 'create' | 'update'> = new Map(),
  /** Per resource name, the params whose value is not known yet (they read resources not active): not checked. */
  unknown: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
): void {
  const issues: Issue[] = [];
  for (const change of changes) {
    if (change.action === 'delete') continue;
    const skip = [...(unknown.get(change.name) ?? [])].map((key) => `resources.${change.name}.params.${key}`);
    for (const operation of operationsOf(change, updateRuns)) {
      const found = checkOperation(registry, application, change, operation, source)?.filter((i) => !skip.includes(i.field));
      if (!found?.length) continue;
      issues.push(...found);
      break;
    }
  }
  if (issues.length) {
    throw new ScoreError(
      `Score spec asks for what its providers cannot do: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`,
      issues,
      'SCORE_PROPERTIES_INVALID',
    );
  }
}

/** The issues of one operation of one change, or `undefined` when it would run (or is not served and need not be). */
function checkOperation(
  registry: ProviderRegistry,
  application: string,
  change: Extract<ResourceChange, { action: 'create' | 'update' }>,
  operation: ProviderOperation,
  source: YamlSource | undefined,
): Issue[] | undefined {
  const here = (path: (string | number)[], message: string) => at(source, path, message);
  let resolution: ReturnType<ProviderRegistry['resolve']>;
  try {
    resolution = registry.resolve(change.type, operation, change.class === undefined ? {} : { class: change.class });
  } catch (err) {
    if (operation === 'delete' && InnominatusError.is(err) && err.code === 'OPERATION_NOT_SUPPORTED') return undefined;
    return [here(['resources', change.name, 'type'], (err as Error).message)];
  }
  const workflow = resolution.workflow.workflow;
  const what = `(${operation} workflow '${resolution.workflowName}' of provider '${resolution.providerName}')`;
  let parameters: Record<string, unknown>;
  try {
    parameters = mapParameters(resolution, {
      // A shared resource is a resource of the shared application, under its own name there.
      name: change.shared?.store ?? change.name,
      type: change.type,
      application: change.shared !== undefined ? SHARED_APPLICATION : application,
      properties: change.properties,
      operation,
      ...(change.class !== undefined ? { class: change.class } : {}),
      ...(change.metadata ? { metadata: change.metadata } : {}),
    });
  } catch (err) {
    return [here(['resources', change.name], `cannot be turned into workflow parameters ${what}: ${(err as Error).message}`)];
  }
  try {
    validateParameters(schemaOf(workflow), workflow.parameters ?? [], parameters);
    return undefined;
  } catch (err) {
    if (!(err instanceof ParameterError)) throw err;
    return err.issues.map((i) => here(fieldOf(resolution.mapping, change, i.parameter), `parameter '${i.parameter}' ${i.message} ${what}`));
  }
}

/** The spec field a workflow parameter's value came from. */
function fieldOf(
  mapping: ReturnType<ProviderRegistry['resolve']>['mapping'],
  change: { name: string; shared?: unknown; properties: Record<string, unknown> },
  parameter: string,
): (string | number)[] {
  const template = mapping.templates.get(parameter);
  if (!template) {
    return parameter in change.properties ? ['resources', change.name, 'params', parameter] : ['resources', change.name];
  }
  const refs = template.expressions.flatMap((e) => e.expression.references).filter((r) => r.root === 'resource');
  const [first, second] = refs[0]?.path ?? [];
  // A shared resource's name comes from its id (and type and class), and its application is the shared one.
  if (refs.length === 1 && change.shared !== undefined && (first === 'name' || first === 'application')) return ['resources', change.name, 'id'];
  if (refs.length === 1 && first === 'application') return ['metadata', 'name'];
  if (refs.length === 1 && first === 'properties' && second !== undefined && second in change.properties) return ['resources', change.name, 'params', second];
  return ['resources', change.name];
}
