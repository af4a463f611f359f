import { isDeepStrictEqual } from 'node:util';
import { ScoreError, type Issue } from '../errors';
import type { YamlSource } from '../util/yaml-source';
import { at } from './issue-at';
import { DEFAULT_CLASS, resourceUid } from './resource-uid';
import type { ScoreResource, ScoreSpec } from './score-spec';
import { sharedIds, type SharedUse } from './shared-resources';

/** A resource the application has now (not terminated). */
export interface ExistingResource {
  id: string;
  name: string;
  type: string;
  class?: string;
  state: string;
  metadata?: Record<string, unknown>;
  properties: Record<string, unknown>;
}

/** One change that makes the application's resources match its spec, and why. `shared` is the Score id of a shared resource. */
export type ResourceChange =
  | {
      action: 'create';
      name: string;
      type: string;
      class?: string;
      shared?: string;
      metadata?: Record<string, unknown>;
      properties: Record<string, unknown>;
      reason: string;
    }
  | {
      action: 'update';
      id: string;
      name: string;
      type: string;
      class?: string;
      shared?: string;
      /** New metadata for the provider (`null`: none); absent: unchanged. */
      metadata?: Record<string, unknown> | null;
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
  /** Resources the spec asks for as they are (a shared resource that exists is linked: listed here). */
  unchanged: string[];
  waiting: WaitingResource[];
}

/** What the planner knows about each resource the spec asks for. */
export interface DesiredResource {
  name: string;
  /** Its params with placeholders filled, or `undefined` while resources it reads are not active. */
  properties: Record<string, unknown> | undefined;
  /** Resources whose outputs its params read that are not active yet. */
  waitsOn: string[];
}

/** What exists that a spec is compared with. */
export interface PlanContext {
  /** The application's own resources (not terminated). */
  own: readonly ExistingResource[];
  /** The shared resources (not terminated) of the ids the spec and the previous one declare, by id. */
  shared: ReadonlyMap<string, ExistingResource>;
  /** How other applications' specs declare those ids. */
  uses: ReadonlyMap<string, readonly SharedUse[]>;
}

/**
 * Compares what a spec asks for with what exists. A new name is created, a
 * resource whose params changed is updated, and a resource that is no longer
 * asked for — removed or renamed, or whose class or id changed, which makes it
 * another resource — is deleted. Changing a resource's type is refused. A
 * resource with an `id` is shared: created when no application has it yet,
 * linked when one has, and deleted only when no other application's spec
 * declares it. `previous` is the application's last accepted spec, the only
 * place a resource's class and id are known.
 */
export function planResources(
  spec: ScoreSpec,
  desired: readonly DesiredResource[],
  context: PlanContext,
  previous: ScoreSpec | undefined,
  source?: YamlSource,
): ResourcePlan {
  const app = spec.metadata.name;
  const wanted = spec.resources ?? {};
  const current = new Map(context.own.filter((r) => r.state !== 'terminated').map((r) => [r.name, r]));
  const plan: ResourcePlan = { changes: [], unchanged: [], waiting: [] };
  const issues: Issue[] = [];
  const replaced = new Map<string, string>();
  const sharedSeen = new Map<string, string>();
  for (const d of desired) {
    const w = wanted[d.name]!;
    if (w.id !== undefined) {
      planShared(d, w as ScoreResource & { id: string }, { spec, context, plan, issues, source, seen: sharedSeen });
      continue;
    }
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
    planChange(d, w, have, undefined, plan);
  }
  if (issues.length) throw sharedConflict(issues);
  for (const [name, have] of current) {
    const now = Object.hasOwn(wanted, name) ? wanted[name] : undefined;
    const reason =
      replaced.get(name) ??
      (now === undefined
        ? removalReason(name, have.type, spec, current)
        : now.id !== undefined
          ? `its identity changed from '${resourceUid(app, name, { ...have, ...(previous?.resources?.[name] ?? {}) })}' to '${resourceUid(app, name, now)}': it is now the shared resource '${now.id}', and this application's own one is deleted`
          : undefined);
    if (reason) plan.changes.push({ action: 'delete', id: have.id, name, type: have.type, reason });
  }
  planUnshared(spec, previous, context, plan);
  return plan;
}

/**
 * Creates, updates or leaves one resource (own, or shared with `shared` its
 * id) as the spec asks: an update when its filled params or its metadata
 * changed. A spec that gives no params (or no metadata) for a shared resource
 * leaves them as they are.
 */
function planChange(d: DesiredResource, w: ScoreResource, have: ExistingResource | undefined, shared: string | undefined, plan: ResourcePlan): void {
  const home = shared !== undefined ? { shared } : {};
  if (!have) {
    if (d.properties === undefined) {
      plan.waiting.push({ name: d.name, type: w.type, on: d.waitsOn });
      return;
    }
    const reason = shared !== undefined ? `new in the spec: the shared resource '${shared}', which no application has yet` : 'new in the spec';
    plan.changes.push({ action: 'create', name: d.name, type: w.type, ...scoreFields(w), ...home, properties: d.properties, reason });
    return;
  }
  const params = d.properties !== undefined && (shared === undefined || w.params !== undefined) && !isDeepStrictEqual(have.properties, d.properties);
  const metadata = (shared === undefined || w.metadata !== undefined) && !isDeepStrictEqual(have.metadata, w.metadata);
  if (!params && !metadata) {
    plan.unchanged.push(d.name);
    return;
  }
  const reasons = [...(params ? [`params changed: ${changedKeys(have.properties, d.properties!).join(', ')}`] : []), ...(metadata ? ['metadata changed'] : [])];
  plan.changes.push({
    action: 'update',
    id: have.id,
    name: d.name,
    type: w.type,
    ...(w.class !== undefined ? { class: w.class } : {}),
    ...home,
    // An own resource's metadata is the spec's (none clears it); a shared one keeps its metadata unless the spec gives some.
    ...(metadata ? { metadata: w.metadata ?? null } : {}),
    properties: params ? d.properties! : have.properties,
    reason: reasons.join('; '),
  });
}

interface SharedPlanning {
  spec: ScoreSpec;
  context: PlanContext;
  plan: ResourcePlan;
  issues: Issue[];
  source: YamlSource | undefined;
  /** Ids already planned in this spec, with the resource name that declared them. */
  seen: Map<string, string>;
}

/**
 * Plans a shared resource: its type and class must be the ones it has (and
 * the ones every other declaration gives); params and metadata, where
 * several specs give them, must be the same (as Score's tools require). A
 * spec that gives no params for it leaves its params as they are.
 */
function planShared(d: DesiredResource, w: ScoreResource & { id: string }, p: SharedPlanning): void {
  const have = p.context.shared.get(w.id);
  const first = p.seen.get(w.id);
  const uses = [...(p.context.uses.get(w.id) ?? [])];
  if (first !== undefined) uses.push({ application: p.spec.metadata.name, name: first, resource: p.spec.resources![first]! });
  const problems = sharedProblems(d.name, w, have, uses, p.source);
  p.issues.push(...problems);
  if (problems.length) return;
  if (first !== undefined) {
    // A second name for the same resource in one spec: it is the same resource, planned once.
    if (have) p.plan.unchanged.push(d.name);
    return;
  }
  p.seen.set(w.id, d.name);
  planChange(d, w, have, w.id, p.plan);
}

/** Where a declaration of a shared resource disagrees with the resource or with other declarations of it. */
function sharedProblems(
  name: string,
  w: ScoreResource & { id: string },
  have: ExistingResource | undefined,
  uses: readonly SharedUse[],
  source?: YamlSource,
): Issue[] {
  const kind = (r: { type: string; class?: string }) => `type '${r.type}', class '${r.class ?? DEFAULT_CLASS}'`;
  const by = (u: SharedUse) => `application '${u.application}' (as resource '${u.name}')`;
  const issues: Issue[] = [];
  const other = have ?? uses[0]?.resource;
  const declarers = uses.length ? `, declared so by ${uses.map(by).join(', ')}` : '';
  if (other && other.type !== w.type) {
    issues.push(
      at(
        source,
        ['resources', name, 'type'],
        `is '${w.type}', but the shared resource '${w.id}' is of ${kind(other)}${declarers}: one id is one resource; give a resource of another type its own id`,
      ),
    );
  } else if (other && (other.class ?? DEFAULT_CLASS) !== (w.class ?? DEFAULT_CLASS)) {
    issues.push(
      at(
        source,
        ['resources', name, w.class === undefined ? 'id' : 'class'],
        `asks for class '${w.class ?? DEFAULT_CLASS}', but the shared resource '${w.id}' is of ${kind(other)}${declarers}: one id is one resource; give a resource of another class its own id`,
      ),
    );
  }
  for (const field of ['params', 'metadata'] as const) {
    if (w[field] === undefined) continue;
    const differing = uses.find((u) => u.resource[field] !== undefined && !isDeepStrictEqual(u.resource[field], w[field]));
    if (!differing) continue;
    issues.push(
      at(
        source,
        ['resources', name, field],
        `differ from the ${field} ${by(differing)} gives the shared resource '${w.id}': every spec that gives ${field} for a shared resource gives the same`,
      ),
    );
  }
  return issues;
}

function sharedConflict(issues: Issue[]): ScoreError {
  return new ScoreError(`Score spec is invalid: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`, issues);
}

/** Deletes each shared resource the previous spec declared and this one no longer does, when no other application's spec declares it. */
function planUnshared(spec: ScoreSpec, previous: ScoreSpec | undefined, context: PlanContext, plan: ResourcePlan): void {
  const now = sharedIds(spec);
  for (const [id, name] of sharedIds(previous)) {
    const have = context.shared.get(id);
    if (now.has(id) || !have || have.state === 'terminating' || context.uses.get(id)?.length) continue;
    plan.changes.push({
      action: 'delete',
      id: have.id,
      name,
      type: have.type,
      reason: `the shared resource '${id}' is no longer in the spec, and no other application's spec declares it`,
    });
  }
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
