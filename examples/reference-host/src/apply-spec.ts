import { DEFAULT_CLASS, planRequest, type LifecycleRequest, type OrchestratorTransaction, type ResourceRecord } from '@innominatus/core';
import { ConflictError, NotFoundError, ScoreError, type Issue } from './errors';
import type { HostServices } from './host-services';
import { desiredResources } from './score/desired-resources';
import { at } from './score/issue-at';
import { knownParams } from './score/known-params';
import { checkParameters } from './score/parameter-check';
import { provisioningOrder } from './score/params-order';
import { checkPlaceholders } from './score/placeholder-check';
import { declaredOutputs } from './score/declared-outputs';
import { planResources, type ResourceChange, type ResourcePlan, type WaitingResource } from './score/resource-plan';
import { parseScore, type ScoreSpec } from './score/score-spec';
import { updateSharedUsers } from './score/shared-index';
import { SHARED_APPLICATION, SHARED_LOCK, declaresShared, sharedRef, sharedUids } from './score/shared-resources';
import { storedScore, toStoredSpec, type StoredScore } from './score/stored-score';
import { otherUses, specResources, type SharedHome } from './spec-resources';
import type { YamlSource } from './util/yaml-source';

/** What a submission did (or, in a dry run, would do) to one resource. */
export interface AppliedChange {
  action: ResourceChange['action'];
  name: string;
  type: string;
  /** Why: new in the spec, which params changed, why it is deleted. */
  reason: string;
  /** Absent in a dry run for a resource not created yet. */
  id?: string;
  /** The resource's state after the request; absent in a dry run. */
  state?: string;
}

/** A resource the spec asks for unchanged that is `failed`: it needs a retry (or removal from the spec), not nothing. */
export interface FailedResource {
  name: string;
  id: string;
  /** The operation that failed. */
  operation?: string;
  error?: { code: string; message: string };
}

/** The answer to a submitted (or deleted) spec. */
export interface ApplyResult {
  application: string;
  /** Set when nothing was changed: the answer is the plan. */
  dryRun?: true;
  changes: AppliedChange[];
  /** Resources the spec leaves as they are (not failed ones). */
  unchanged: string[];
  /** Resources the spec leaves as they are that are `failed`. */
  failed: FailedResource[];
  /** Resources created later, once the resources whose outputs their params read are active. */
  waiting: WaitingResource[];
  /** What the host read differently from the text (innominatus dialect, later YAML documents), each at its field. */
  warnings: Issue[];
}

/** Options of {@link applySpec}. */
export interface ApplyOptions {
  /** Confirms that resources no longer in the spec (removed or renamed) are deleted, with their data. */
  prune?: boolean;
  /** Check everything and answer the plan; change nothing. */
  dryRun?: boolean;
}

/**
 * Validates a Score spec and makes the application's resources match it:
 * new → create, changed params → update, no longer asked for → delete (only
 * with `prune`: otherwise a 409 names what would be deleted). Nothing is
 * changed (and the spec is not stored) when any resource type is unserved,
 * any placeholder unknown, resource params read each other in a cycle, any
 * resource's params do not make valid parameters for its provider's
 * workflows, or any resource is in a state that cannot take the change. The
 * spec and the resource requests are stored in one transaction of the
 * store, holding the application's lock (so submissions are serialized
 * across every host on a shared store): a submission refused or cut short
 * halfway stores nothing.
 */
export async function applySpec(services: HostServices, body: unknown, options: ApplyOptions = {}): Promise<ApplyResult> {
  const { spec, source, warnings } = parseScore(body, { innominatusDialect: services.score?.innominatusDialect ?? true });
  checkName(spec, source);
  checkServed(services, spec, source);
  const { dependsOn } = checkPlaceholders(spec, declaredOutputs(services.registry), source);
  const order = provisioningOrder(Object.keys(spec.resources ?? {}), dependsOn, source);
  const application = spec.metadata.name;

  return withLocks(services, application, declaresShared(spec), async (tx, stored) => {
    const previous = stored?.spec;
    const { plan, byId, byName, homes } = await planFor(tx, spec, order, dependsOn, previous, source);
    const changes = plan.changes.filter((c) => !(c.action === 'delete' && byId.get(c.id)?.state === 'terminating'));
    checkStates(changes, byId);
    const later = waitingCreates(spec, plan.waiting, byName, homes);
    checkParameters(services.registry, application, [...changes, ...later.changes], source, updateOperations(changes, byId), later.unknown);
    const deletes = changes.filter((c) => c.action === 'delete');
    if (deletes.length && !options.prune && !options.dryRun) throw pruneRequired(application, deletes);
    const base = { application, unchanged: [] as string[], failed: [] as FailedResource[], waiting: plan.waiting, warnings };
    const result = options.dryRun
      ? {
          ...base,
          dryRun: true as const,
          changes: changes.map(({ action, name, type, reason, ...rest }) => ({ action, name, type, reason, ...('id' in rest ? { id: rest.id } : {}) })),
        }
      : { ...base, changes: await execute(services, tx, application, changes) };
    if (!options.dryRun) {
      await tx.putSpec(toStoredSpec(spec, new Date().toISOString()));
      await updateSharedUsers(tx, application, previous, spec);
    }
    sortUnchanged(plan.unchanged, byName, result);
    return result;
  });
}

/**
 * The creates of resources waiting for others, with their params as far as
 * they are known, so that the provider's checks of the rest run at submit
 * (not only once what they wait for is active).
 */
function waitingCreates(
  spec: ScoreSpec,
  waiting: readonly WaitingResource[],
  byName: ReadonlyMap<string, ResourceRecord>,
  homes: ReadonlyMap<string, { store: string }>,
): { changes: ResourceChange[]; unknown: Map<string, Set<string>> } {
  const changes: ResourceChange[] = [];
  const unknown = new Map<string, Set<string>>();
  for (const { name } of waiting) {
    // A resource replaced under its own name is checked once it can be created.
    if (byName.has(name)) continue;
    const r = spec.resources![name]!;
    const known = knownParams(spec, name);
    unknown.set(name, known.unknown);
    changes.push({
      action: 'create',
      name,
      type: r.type,
      ...(r.class !== undefined ? { class: r.class } : {}),
      ...(r.id !== undefined ? { shared: sharedTarget(sharedRef({ ...r, id: r.id }).uid, homes) } : {}),
      ...(r.metadata !== undefined ? { metadata: r.metadata } : {}),
      properties: known.properties,
      reason: 'waiting',
    });
  }
  return { changes, unknown };
}

function sharedTarget(uid: string, homes: ReadonlyMap<string, { store: string }>): { uid: string; store: string } {
  return { uid, store: homes.get(uid)!.store };
}

/**
 * Runs `fn` in one transaction holding the application's lock (with the
 * application's stored spec, read under it), and first the
 * lock of shared resources when the application declares (`shared`: the
 * new spec does) or declared any: deciding to link, create or delete a
 * shared resource reads other applications' specs, which must not change
 * meanwhile. The shared lock is always taken first, so two submissions
 * never wait for each other in turn. The stored spec is read only under
 * the locks (one statement per request): when it declares shared resources
 * and the shared lock is not held, the transaction is given up before
 * anything is written and made again holding both.
 */
async function withLocks<T>(
  services: HostServices,
  application: string,
  shared: boolean,
  fn: (tx: OrchestratorTransaction, stored: StoredScore | undefined) => Promise<T>,
): Promise<T> {
  // Made only when needed: most submissions hold the locks they need the first time.
  let needsShared: SharedLockNeeded | undefined;
  try {
    return await services.requests.transaction(shared ? [SHARED_LOCK, application] : application, async (tx) => {
      const stored = await storedScore(tx, application);
      if (!shared && declaresShared(stored?.spec)) {
        needsShared = new SharedLockNeeded();
        throw needsShared;
      }
      return fn(tx, stored);
    });
  } catch (err) {
    if (needsShared === undefined || err !== needsShared) throw err;
    return withLocks(services, application, true, fn);
  }
}

/** Ends a transaction that found it needs the shared lock (never seen by callers: {@link withLocks} starts again). */
class SharedLockNeeded extends Error {}

/** A workload may not take the name of the application shared resources belong to. */
function checkName(spec: ScoreSpec, source?: YamlSource): void {
  if (spec.metadata.name !== SHARED_APPLICATION) return;
  throw new ScoreError(`Score spec is invalid: metadata.name '${SHARED_APPLICATION}' is reserved`, [
    at(
      source,
      ['metadata', 'name'],
      `'${SHARED_APPLICATION}' is the application this host keeps shared resources (resources with an id) in; give the workload another name`,
    ),
  ]);
}

/**
 * Applies an application's stored spec again, so that resources waiting for
 * others (their params read outputs not there yet) are created or updated
 * once those are active. Deletes nothing. Returns `undefined` when the
 * application has no stored spec.
 */
export async function reapplyStoredSpec(services: HostServices, application: string): Promise<AppliedChange[] | undefined> {
  return withLocks(services, application, false, async (tx, stored) => {
    if (!stored) return undefined;
    const { spec } = stored;
    const { dependsOn } = checkPlaceholders(spec, declaredOutputs(services.registry));
    const order = provisioningOrder(Object.keys(spec.resources ?? {}), dependsOn);
    const { plan, byId } = await planFor(tx, spec, order, dependsOn, spec);
    const ready = plan.changes.filter((c) => c.action !== 'delete' && (c.action === 'create' || !byId.get(c.id)!.pendingOperation));
    checkParameters(services.registry, application, ready, undefined, updateOperations(ready, byId));
    return execute(services, tx, application, ready);
  });
}

async function planFor(
  tx: OrchestratorTransaction,
  spec: ScoreSpec,
  order: string[],
  dependsOn: ReadonlyMap<string, ReadonlySet<string>>,
  previous: ScoreSpec | undefined,
  source?: YamlSource,
): Promise<{ plan: ResourcePlan; byId: Map<string, ResourceRecord>; byName: Map<string, ResourceRecord>; homes: Map<string, SharedHome> }> {
  const application = spec.metadata.name;
  const { byName, own, shared } = await specResources(tx, application, spec, previous);
  const uses = await otherUses(tx, application, shared);
  const desired = desiredResources(spec, order, dependsOn, (name) => byName.get(name));
  const plan = planResources(spec, desired, { own, shared, uses }, previous, source);
  const records = [...own, ...[...shared.values()].flatMap((h) => (h.record ? [h.record] : []))];
  return { plan, byId: new Map(records.map((r) => [r.id, r])), byName, homes: shared };
}

function checkServed(services: HostServices, spec: ScoreSpec, source?: YamlSource): void {
  const { registry } = services;
  const served = new Set(registry.types());
  const unserved = Object.entries(spec.resources ?? {}).filter(([, r]) => !served.has(r.type) || !registry.classes(r.type).includes(r.class ?? DEFAULT_CLASS));
  if (!unserved.length) return;
  const issues: Issue[] = unserved.map(([name, r]) =>
    served.has(r.type)
      ? at(
          source,
          ['resources', name, 'class'],
          `no provider serves class '${r.class}' of resource type '${r.type}'; its classes: ${registry.classes(r.type).join(', ')}`,
        )
      : at(source, ['resources', name, 'type'], `no provider serves resource type '${r.type}'; served types: ${[...served].join(', ') || 'none'}`),
  );
  const types = [...new Set(unserved.map(([, r]) => (served.has(r.type) ? `'${r.type}' in class '${r.class}'` : `'${r.type}'`)))].join(', ');
  throw new ScoreError(`no provider serves resource type ${types}`, issues, 'SCORE_TYPE_UNSERVED');
}

function pruneRequired(application: string, deletes: ResourceChange[]): ConflictError {
  const list = deletes.map((c) => `'${c.name}' (${c.type}): ${c.reason}`).join('; ');
  const what = deletes.length === 1 ? 'a resource' : `${deletes.length} resources`;
  return new ConflictError(
    'SPEC_PRUNE_REQUIRED',
    `this spec would delete ${what} of application '${application}' with ${deletes.length === 1 ? 'its' : 'their'} data: ${list}. Submit again with ?prune=true to confirm, or ?dryRun=true to see the whole plan`,
  );
}

/** Splits the plan's unchanged resources into unchanged and failed (which need a retry, not nothing). */
function sortUnchanged(names: readonly string[], byName: ReadonlyMap<string, ResourceRecord>, result: { unchanged: string[]; failed: FailedResource[] }): void {
  for (const name of names) {
    const r = byName.get(name)!;
    if (r.state !== 'failed') result.unchanged.push(name);
    else
      result.failed.push({
        name,
        id: r.id,
        ...(r.pendingOperation ? { operation: r.pendingOperation } : {}),
        ...(r.error ? { error: { code: r.error.code, message: r.error.message } } : {}),
      });
  }
}

/**
 * Deletes every resource of an application and forgets its spec; a shared
 * resource it declares is deleted only when no other application's spec
 * declares it (otherwise it is listed as unchanged). With `dryRun`, checks
 * the same and answers the plan (each resource in its current state)
 * without changing anything.
 */
export async function deleteSpec(services: HostServices, application: string, options: { dryRun?: boolean } = {}): Promise<ApplyResult> {
  return withLocks(services, application, false, async (tx, read) => {
    const stored = read?.spec;
    const { own, shared: homes } = await specResources(tx, application, stored);
    const uses = await otherUses(tx, application, homes);
    if (!stored && own.length === 0) throw new NotFoundError('SPEC_NOT_FOUND', `no spec named '${application}'`);
    const kept: string[] = [];
    const targets: { name: string; record: ResourceRecord; reason: string }[] = own.map((r) => ({ name: r.name, record: r, reason: 'the spec was deleted' }));
    for (const [uid, { name }] of sharedUids(stored)) {
      const record = homes.get(uid)?.record;
      if (!record) continue;
      if (uses.get(uid)?.length) kept.push(name);
      else targets.push({ name, record, reason: `the spec was deleted, and no other application's spec declares the shared resource '${uid}'` });
    }
    const live = targets.filter((t) => t.record.state !== 'terminating');
    const changes: ResourceChange[] = live.map((t) => ({ action: 'delete', id: t.record.id, name: t.name, type: t.record.type, reason: t.reason }));
    checkStates(changes, new Map(live.map((t) => [t.record.id, t.record])));
    if (options.dryRun) {
      const plan = changes.map((c, i) => ({
        action: c.action,
        name: c.name,
        type: c.type,
        reason: c.reason,
        id: live[i]!.record.id,
        state: live[i]!.record.state,
      }));
      return { application, dryRun: true, changes: plan, unchanged: kept, failed: [], waiting: [], warnings: [] };
    }
    const applied = await execute(services, tx, application, changes);
    await tx.deleteSpec(application);
    await updateSharedUsers(tx, application, stored, undefined);
    return { application, changes: applied, unchanged: kept, failed: [], waiting: [], warnings: [] };
  });
}

/** A spec change as the lifecycle request it makes of an existing resource. */
function lifecycleRequest(c: Exclude<ResourceChange, { action: 'create' }>): LifecycleRequest {
  return c.action === 'update' ? { action: 'update', properties: c.properties } : { action: 'delete' };
}

/**
 * Refuses changes the resource's state cannot take (core's `planRequest`,
 * the rule the orchestrator applies), every refusal in one answer.
 */
function checkStates(changes: ResourceChange[], byId: Map<string, ResourceRecord>): void {
  const problems: string[] = [];
  for (const c of changes) {
    if (c.action === 'create') continue;
    const r = byId.get(c.id)!;
    const plan = planRequest(r, lifecycleRequest(c));
    if (plan.accepted) continue;
    if (plan.refusal === 'busy') {
      problems.push(`resource '${c.name}' is ${r.state} with a ${r.pendingOperation} pending; try again when it is done`);
    } else if (plan.refusal === 'failed-delete') {
      problems.push(
        `resource '${c.name}' failed to be deleted and cannot be updated; retry the delete (POST /api/resources/${c.id}/retry), or remove the resource from the spec`,
      );
    } else {
      problems.push(`resource '${c.name}' is ${r.state} and cannot be ${c.action === 'update' ? 'updated' : 'deleted'} until it is active or failed`);
    }
  }
  if (problems.length) throw new ConflictError('RESOURCE_CONFLICT', problems.join('; '));
}

/** The operation an update will run (`planRequest`'s): a failed create is created again with the new properties. */
function updateOperations(changes: ResourceChange[], byId: Map<string, ResourceRecord>): Map<string, 'create' | 'update'> {
  const ops = new Map<string, 'create' | 'update'>();
  for (const c of changes) {
    if (c.action !== 'update') continue;
    const plan = planRequest(byId.get(c.id)!, lifecycleRequest(c));
    ops.set(c.id, plan.accepted && plan.operation === 'create' ? 'create' : 'update');
  }
  return ops;
}

/** Makes the changes' requests in the submission's transaction. */
async function execute(services: HostServices, tx: OrchestratorTransaction, application: string, changes: ResourceChange[]): Promise<AppliedChange[]> {
  const applied: AppliedChange[] = [];
  for (const c of changes) {
    let record: ResourceRecord;
    if (c.action === 'create') record = await submitNew(tx, application, c);
    else if (c.action === 'update') record = await tx.update(c.id, c.properties, c.metadata);
    else record = await tx.delete(c.id);
    services.metrics.requested(record.id);
    applied.push({ action: c.action, name: c.name, type: c.type, reason: c.reason, id: record.id, state: record.state });
  }
  return applied;
}

/** Creates a resource (a shared one in the shared application); another replica creating the same one at the same moment is a conflict, not a failure. */
async function submitNew(tx: OrchestratorTransaction, application: string, c: Extract<ResourceChange, { action: 'create' }>): Promise<ResourceRecord> {
  const home = c.shared !== undefined ? { application: SHARED_APPLICATION, name: c.shared.store } : { application, name: c.name };
  try {
    return await tx.submit({ ...home, type: c.type, properties: c.properties, class: c.class, metadata: c.metadata });
  } catch (err) {
    if (await tx.findResource(home.application, home.name)) {
      throw new ConflictError(
        'RESOURCE_CONFLICT',
        `resource '${home.name}' of application '${home.application}' was just created by another request; submit the spec again`,
      );
    }
    throw err;
  }
}
