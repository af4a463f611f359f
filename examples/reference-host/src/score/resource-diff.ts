import { isDeepStrictEqual } from 'node:util';
import { ScoreError, type Issue } from '../errors';
import type { YamlSource } from '../util/yaml-source';
import { at, resourceProperties, type ScoreSpec } from './score-spec';

/** A resource the application has now (not terminated). */
export interface ExistingResource {
  id: string;
  name: string;
  type: string;
  state: string;
  properties: Record<string, unknown>;
}

/** One change that makes the application's resources match its spec. */
export type ResourceChange =
  | { action: 'create'; name: string; type: string; properties: Record<string, unknown> }
  | { action: 'update'; id: string; name: string; type: string; properties: Record<string, unknown> }
  | { action: 'delete'; id: string; name: string; type: string };

/** What a submission changes, and what it leaves as it is. */
export interface ResourcePlan {
  changes: ResourceChange[];
  unchanged: string[];
}

/**
 * Compares the resources a spec asks for with the ones that exist: a new name
 * is created, changed properties are updated, a name no longer in the spec is
 * deleted. Changing a resource's type is refused (remove it first).
 */
export function diffResources(spec: ScoreSpec, existing: readonly ExistingResource[], source?: YamlSource): ResourcePlan {
  const desired = spec.resources ?? {};
  const current = new Map(existing.filter((r) => r.state !== 'terminated').map((r) => [r.name, r]));
  const changes: ResourceChange[] = [];
  const unchanged: string[] = [];
  const issues: Issue[] = [];
  for (const [name, wanted] of Object.entries(desired)) {
    const properties = resourceProperties(wanted);
    const have = current.get(name);
    if (!have) {
      changes.push({ action: 'create', name, type: wanted.type, properties });
    } else if (have.type !== wanted.type) {
      issues.push(at(source, ['resources', name, 'type'], `cannot change from '${have.type}' to '${wanted.type}': remove the resource from the spec first, then add it back`));
    } else if (!isDeepStrictEqual(have.properties, properties)) {
      changes.push({ action: 'update', id: have.id, name, type: wanted.type, properties });
    } else {
      unchanged.push(name);
    }
  }
  for (const [name, have] of current) {
    if (!(name in desired)) changes.push({ action: 'delete', id: have.id, name, type: have.type });
  }
  if (issues.length) throw new ScoreError(`Score spec is invalid: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`, issues);
  return { changes, unchanged };
}
