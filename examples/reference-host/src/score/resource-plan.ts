import { isDeepStrictEqual } from 'node:util';
import { ScoreError, type Issue } from '../errors';
import type { YamlSource } from '../util/yaml-source';
import { at } from './issue-at';
import { resourceUid } from './resource-uid';
import type { ScoreResource, ScoreSpec } from './score-spec';

/** A resource the application has now (not terminated). */
export interface ExistingResource {
  id: string;
  name: string;
  type: string;
  state: string;
  metadata?: Record<string, unknown>;
  properties: Record<string, unknown>;
}

/** One change that makes the application's resources match its spec, and why. */
export type ResourceChange =
  | { action: 'create'; name: string; type: string; class?: string; metadata?: Record<string, unknown>; properties: Record<string, unknown>; reason: string }
  | {
      action: 'update';
      id: string;
      name: string;
      type: string;
      class?: string;
      metadata?: Record<string, unknown>;
      properties: Record<string, unknown>;
      reason: string;
    }
  | { action: 'delete'; id: string; name: string; type: string; reason: string };

/** A resource whose params read outputs of resources not active yet: created once they are. */
export interface WaitingResource {
  name: string;
  type: string;
  /** The resources it waits for. */
  on: string[];
}

/** What a submission changes, and what it leaves as it is. */
export interface ResourcePlan {
  /** In the order they can run: a resource after the ones whose outputs its params read. */
  changes: ResourceChange[];
  unchanged: string[];
  waiting: WaitingResource[];
  /** Changes the plan cannot carry out, said at their field (a resource's metadata is given to its provider at create only). */
  warnings: Issue[];
}

/** What the planner knows about each resource the spec asks for. */
export interface DesiredResource {
  name: string;
  /** Its params with placeholders filled, or `undefined` while resources it reads are not active. */
  properties: Record<string, unknown> | undefined;
  /** Resources whose outputs its params read that are not active yet. */
  waitsOn: string[];
}

/**
 * Compares what a spec asks for with what exists. A new name is created, a
 * resource whose params changed is updated, and a resource that is no longer
 * asked for — removed or renamed, or whose class or id changed, which makes it
 * another resource — is deleted. Changing a resource's type is refused.
 * `previous` is the application's last accepted spec, the only place a
 * resource's class and id are known.
 */
export function planResources(
  spec: ScoreSpec,
  desired: readonly DesiredResource[],
  existing: readonly ExistingResource[],
  previous: ScoreSpec | undefined,
  source?: YamlSource,
): ResourcePlan {
  const app = spec.metadata.name;
  const wanted = spec.resources ?? {};
  const current = new Map(existing.filter((r) => r.state !== 'terminated').map((r) => [r.name, r]));
  const plan: ResourcePlan = { changes: [], unchanged: [], waiting: [], warnings: [] };
  const issues: Issue[] = [];
  const replaced = new Map<string, string>();
  for (const d of desired) {
    const w = wanted[d.name]!;
    const have = current.get(d.name);
    const before = previous?.resources?.[d.name];
    if (have && have.type !== w.type) {
      issues.push(
        at(
          source,
          ['resources', d.name, 'type'],
          `cannot change from '${have.type}' to '${w.type}': remove the resource from the spec first, then add it back`,
        ),
      );
      continue;
    }
    if (have && before && resourceUid(app, d.name, before) !== resourceUid(app, d.name, w)) {
      replaced.set(
        d.name,
        `its identity changed from '${resourceUid(app, d.name, before)}' to '${resourceUid(app, d.name, w)}' (class or id): it is deleted, and the new one is created once it is gone`,
      );
      plan.waiting.push({ name: d.name, type: w.type, on: [d.name] });
      continue;
    }
    if (have && !isDeepStrictEqual(have.metadata, w.metadata)) {
      plan.warnings.push(
        at(
          source,
          ['resources', d.name, 'metadata'],
          "changed, but a resource's metadata reaches its provider when it is created: the existing resource keeps the metadata it was created with",
        ),
      );
    }
    if (d.properties === undefined) {
      if (!have) plan.waiting.push({ name: d.name, type: w.type, on: d.waitsOn });
      else plan.unchanged.push(d.name);
    } else if (!have) {
      plan.changes.push({ action: 'create', name: d.name, type: w.type, ...scoreFields(w), properties: d.properties, reason: 'new in the spec' });
    } else if (!isDeepStrictEqual(have.properties, d.properties)) {
      plan.changes.push({
        action: 'update',
        id: have.id,
        name: d.name,
        type: w.type,
        ...scoreFields(w),
        properties: d.properties,
        reason: `params changed: ${changedKeys(have.properties, d.properties).join(', ')}`,
      });
    } else {
      plan.unchanged.push(d.name);
    }
  }
  if (issues.length) throw new ScoreError(`Score spec is invalid: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`, issues);
  for (const [name, have] of current) {
    const reason = replaced.get(name) ?? (Object.hasOwn(wanted, name) ? undefined : removalReason(name, have.type, spec, current));
    if (reason) plan.changes.push({ action: 'delete', id: have.id, name, type: have.type, reason });
  }
  return plan;
}

/** The class and metadata a change carries to the provider, when the spec gives them. */
function scoreFields(r: ScoreResource): { class?: string; metadata?: Record<string, unknown> } {
  return { ...(r.class !== undefined ? { class: r.class } : {}), ...(r.metadata !== undefined ? { metadata: r.metadata } : {}) };
}

function removalReason(name: string, type: string, spec: ScoreSpec, current: ReadonlyMap<string, ExistingResource>): string {
  const added = Object.entries(spec.resources ?? {})
    .filter(([n, r]) => r.type === type && !current.has(n))
    .map(([n]) => n);
  return added.length === 1
    ? `no longer in the spec (renamed to '${added[0]}'? a renamed resource is a new one; the old one and its data are deleted)`
    : 'no longer in the spec';
}

function changedKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => !isDeepStrictEqual(a[k], b[k]));
}
