import { compileTemplate, type Template } from '../expressions/template';
import { escapePointer } from '../util/json-pointer';
import { Scope } from '../expressions/scope';
import type { ResourceContext } from '../engine/compile-workflow';
import type { LoadedWorkflow } from '../model/workflow';
import type { ProviderOperation } from './provider-model';
import { DEFAULT_CLASS } from './default-class';

/** The variables a capability's `parameters` map may use. */
export const MAPPING_VARIABLES: readonly string[] = Object.freeze(['resource']);

/**
 * The request a parameter mapping is evaluated against: the orchestrator's
 * {@link ResourceContext}, whose `id` may be missing here and whose operation
 * may be `read`. `class` defaults to `default`, `metadata` to `{}`.
 */
export type MappedResource = Omit<ResourceContext, 'id' | 'operation'> & { id?: string; operation: ProviderOperation };

/** An operation's `parameters` map, compiled once at registration. */
export interface ParameterMapping {
  /** Workflow parameter name → its compiled template. */
  readonly templates: ReadonlyMap<string, Template>;
  /** Names of the parameters the workflow declares. */
  readonly declared: ReadonlySet<string>;
}

/**
 * Compiles an operation's `parameters` map.
 *
 * @param pointer JSON pointer of the map inside provider.yaml, for error paths.
 * @throws ExpressionError for an expression that does not parse.
 */
export function compileParameterMapping(map: Record<string, unknown> | undefined, workflow: LoadedWorkflow, pointer = ''): ParameterMapping {
  const templates = new Map<string, Template>();
  for (const [name, value] of Object.entries(map ?? {})) {
    templates.set(name, compileTemplate(value, { pointer: `${pointer}/${escapePointer(name)}`, variables: MAPPING_VARIABLES }));
  }
  const declared = new Set((workflow.workflow.parameters ?? []).map((p) => p.name));
  return { templates, declared };
}

/**
 * The workflow parameters for a resource request: resource properties whose
 * names match declared workflow parameters are passed through, then the
 * operation's `parameters` map fills or overrides them.
 *
 * @example
 * const r = registry.resolve('postgres', 'create');
 * const parameters = mapParameters(r, { name: 'db', type: 'postgres', application: 'shop', properties: { size: 'large' }, operation: 'create' });
 */
export function mapParameters(resolution: { mapping: ParameterMapping; providerName?: string }, resource: MappedResource): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const { mapping } = resolution;
  for (const [key, value] of Object.entries(resource.properties ?? {})) {
    if (mapping.declared.has(key)) out[key] = value;
  }
  const scope = new Scope({
    resource: {
      ...resource,
      id: resource.id ?? '',
      class: resource.class ?? DEFAULT_CLASS,
      metadata: resource.metadata ?? {},
      properties: resource.properties ?? {},
    },
  });
  // Registration refused any mapping of a parameter the workflow does not declare (analyzeProvider).
  for (const [name, template] of mapping.templates) out[name] = template.render(scope);
  return out;
}
