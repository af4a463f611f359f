import { isDeepStrictEqual } from 'node:util';
import { ScoreError, type Issue } from '../errors';
import type { YamlSource } from '../util/yaml-source';
import { at } from './issue-at';
import { DEFAULT_CLASS, resourceUid } from './resource-uid';
import type { ScoreResource, ScoreSpec } from './score-spec';
import { SHARED_APPLICATION, sharedRef, sharedUids, type SharedUse } from './shared-resources';

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

/** A shared resource a change is made to: its Score UID and its name in the shared application. */
export interface SharedTarget {
  uid: string;
  store: string;
}

/** One change that makes the application's resources match its spec, and why. `shared` is set for a shared resource. */
export type ResourceChange =
  | {
      action: 'create';
      name: string;
      type: string;
      class?: string;
      shared?: SharedTarget;
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
      shared?: SharedTarget;
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

/** Where a shared resource is kept: its name in the shared application, the resource there, or one of another type or class holding the name. */
export interface SharedPlace {
  store: string;
  record: ExistingResource | undefined;
  clash?: { type: string; class?: string };
}

/** What exists that a spec is compared with. */
export interface PlanContext {
  /** The application's own resources (not terminated). */
  own: readonly ExistingResource[];
  /** The shared resources the spec and the previous one declare, by UID. */
  shared: ReadonlyMap<string, SharedPlace>;
  /** How other applications' specs declare them, by UID. */
  uses: ReadonlyMap<string, readonly SharedUse[]>;
}

/**
 * Compares what a spec asks for with what exists. A new name is created, a
 * resource whose params changed is updated, and a resource that is no longer
 * asked for — removed or renamed, or whose type, class or id changed, which
 * makes it another resource (Score's UID) — is deleted; one replaced under
 * its own name is created again once the old one is gone. A resource with an
 * `id` is shared (UID `<type>.<class>#<id>`): created when no application
 * has it yet, linked when one has, and deleted only when no other
 * application's spec declares it. `previous` is the application's last
 * accepted spec, the only place a resource's id is known.
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
    const was = have && resourceUid(app, d.name, identityOf(have, previous?.resources?.[d.name]));
    if (have && was !== resourceUid(app, d.name, w)) {
      replaced.set(
        d.name,
        `its identity changed from '${was}' to '${resourceUid(app, d.name, w)}': it is another resource, so the old one is deleted, and the new one is created once it is gone`,
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
          ? `its identity changed from '${resourceUid(app, name, identityOf(have, previous?.resources?.[name]))}' to '${resourceUid(app, name, now)}': it is now a shared resource, and this application's own one is deleted`
          : undefined);
    if (reason) plan.changes.push({ action: 'delete', id: have.id, name, type: have.type, reason });
  }
  planUnshared(spec, previous, context, plan);
  return plan;
}

/** What an own resource is now: its type, and its class as the last accepted spec gave it (else as the store keeps it). */
function identityOf(have: ExistingResource, before: ScoreResource | undefined): { type: string; class?: string } {
  const cls = before?.class ?? have.class;
  return { type: have.type, ...(cls !== undefined ? { class: cls } : {}) };
}

/**
 * Creates, updates or leaves one resource (own, or shared with `shared` its
 * id) as the spec asks: an update when its filled params or its metadata
 * changed. A spec that gives no params (or no metadata) for a shared resource
 * leaves them as they are.
 */
function planChange(d: DesiredResource, w: ScoreResource, have: ExistingResource | undefined, shared: SharedTarget | undefined, plan: ResourcePlan): void {
  const home = shared !== undefined ? { shared } : {};
  if (!have) {
    if (d.properties === undefined) {
      plan.waiting.push({ name: d.name, type: w.type, on: d.waitsOn });
      return;
    }
    const reason = shared !== undefined ? `new in the spec: the shared resource '${shared.uid}', which no application has yet` : 'new in the spec';
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
  /** UIDs already planned in this spec, with the resource name that declared them. */
  seen: Map<string, string>;
}

/**
 * Plans a shared resource (one per UID: the same id with another type or
 * class is another resource). Its params and metadata, where several specs
 * give them, must be the same (as Score's tools require); a spec that gives
 * no params for it leaves its params as they are.
 */
function planShared(d: DesiredResource, w: ScoreResource & { id: string }, p: SharedPlanning): void {
  const { uid } = sharedRef(w);
  const home = p.context.shared.get(uid)!;
  const first = p.seen.get(uid);
  const uses = [...(p.context.uses.get(uid) ?? [])];
  if (first !== undefined) uses.push({ application: p.spec.metadata.name, name: first, resource: p.spec.resources![first]! });
  const problems = sharedProblems(d.name, w, uid, home, uses, p.source);
  p.issues.push(...problems);
  if (problems.length) return;
  if (first !== undefined) {
    // A second name for the same resource in one spec: it is the same resource, planned once.
    if (home.record) p.plan.unchanged.push(d.name);
    return;
  }
  p.seen.set(uid, d.name);
  planChange(d, w, home.record, { uid, store: home.store }, p.plan);
}

/** Where a declaration of a shared resource cannot be kept, or disagrees with other declarations of it. */
function sharedProblems(
  name: string,
  w: ScoreResource & { id: string },
  uid: string,
  home: SharedPlace,
  uses: readonly SharedUse[],
  source?: YamlSource,
): Issue[] {
  const by = (u: SharedUse) => `application '${u.application}' (as resource '${u.name}')`;
  const issues: Issue[] = [];
  if (home.clash) {
    issues.push(
      at(
        source,
        ['resources', name, 'id'],
        `the shared resource '${uid}' would be resource '${home.store}' of application '${SHARED_APPLICATION}', which is taken by a resource of type '${home.clash.type}', class '${home.clash.class ?? DEFAULT_CLASS}'; give this one another id`,
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
        `differ from the ${field} ${by(differing)} gives the shared resource '${uid}': every spec that gives ${field} for a shared resource gives the same`,
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
  const now = sharedUids(spec);
  for (const [uid, { name }] of sharedUids(previous)) {
    const have = context.shared.get(uid)?.record;
    if (now.has(uid) || !have || have.state === 'terminating' || context.uses.get(uid)?.length) continue;
    plan.changes.push({
      action: 'delete',
      id: have.id,
      name,
      type: have.type,
      reason: `the shared resource '${uid}' is no longer in the spec, and no other application's spec declares it`,
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
