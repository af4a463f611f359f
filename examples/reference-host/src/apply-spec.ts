import type { ProviderRegistry, ResourceRecord } from '@innominatus/core';
import { ConflictError, NotFoundError, ScoreError, type Issue } from './errors';
import type { HostServices } from './host-services';
import { checkParameters } from './score/parameter-check';
import { checkPlaceholders, type KnownOutputs } from './score/placeholders';
import { diffResources, type ResourceChange } from './score/resource-diff';
import { at, parseScore } from './score/score-spec';

/** What a submission did to one resource. */
export interface AppliedChange {
  action: ResourceChange['action'];
  name: string;
  type: string;
  id: string;
  state: string;
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
  changes: AppliedChange[];
  /** Resources the spec leaves as they are (not failed ones). */
  unchanged: string[];
  /** Resources the spec leaves as they are that are `failed`. */
  failed: FailedResource[];
}

/** Output names of a type's create workflow, when its provider declares them. */
export function knownOutputs(registry: ProviderRegistry): KnownOutputs {
  return (type) => {
    try {
      const outputs = registry.resolve(type, 'create').workflow.workflow.outputs;
      return outputs ? Object.keys(outputs) : undefined;
    } catch {
      return undefined;
    }
  };
}

/**
 * Validates a Score spec and makes the application's resources match it:
 * new → create, changed properties → update, removed → delete. Nothing is
 * changed (and the spec is not stored) when any resource type is unserved,
 * any placeholder unknown, any resource's properties do not make valid
 * parameters for its provider's workflows, or any resource is in a state
 * that cannot take the change. The spec is stored once every change was
 * accepted, in the same critical section: the spec store's lock on the
 * application serializes submissions across every host on a shared store.
 */
export async function applySpec(services: HostServices, body: unknown): Promise<ApplyResult> {
  const { spec, source } = parseScore(body);
  const served = new Set(services.registry.types());
  const unservedTypes = Object.entries(spec.resources ?? {}).filter(([, r]) => !served.has(r.type));
  if (unservedTypes.length) {
    const issues: Issue[] = unservedTypes.map(([name, r]) =>
      at(source, ['resources', name, 'type'], `no provider serves resource type '${r.type}'; served types: ${[...served].join(', ') || 'none'}`));
    const types = [...new Set(unservedTypes.map(([, r]) => `'${r.type}'`))].join(', ');
    throw new ScoreError(`no provider serves resource type ${types}`, issues, 'SCORE_TYPE_UNSERVED');
  }
  checkPlaceholders(spec, source, knownOutputs(services.registry));
  const application = spec.metadata.name;

  return services.specs.withLock(application, async (specs) => {
    const existing = (await services.store.listResources({ application, limit: 10_000 })).filter((r) => r.state !== 'terminated');
    const plan = diffResources(spec, existing, source);
    const byId = new Map(existing.map((r) => [r.id, r]));
    const byName = new Map(existing.map((r) => [r.name, r]));
    const changes = plan.changes.filter((c) => !(c.action === 'delete' && byId.get(c.id)?.state === 'terminating'));
    checkStates(changes, byId);
    checkParameters(services.registry, application, changes, source, updateOperations(changes, byId));
    const applied = await execute(services, application, changes);
    await specs.put({ name: application, spec, submittedAt: new Date().toISOString() });
    const failed: FailedResource[] = [];
    const unchanged: string[] = [];
    for (const name of plan.unchanged) {
      const r = byName.get(name)!;
      if (r.state !== 'failed') unchanged.push(name);
      else failed.push({ name, id: r.id, ...(r.pendingOperation ? { operation: r.pendingOperation } : {}), ...(r.error ? { error: { code: r.error.code, message: r.error.message } } : {}) });
    }
    return { application, changes: applied, unchanged, failed };
  });
}

/** Deletes every resource of an application and forgets its spec. */
export async function deleteSpec(services: HostServices, application: string): Promise<ApplyResult> {
  return services.specs.withLock(application, async (specs) => {
    const stored = await specs.get(application);
    const existing = (await services.store.listResources({ application, limit: 10_000 })).filter((r) => r.state !== 'terminated');
    if (!stored && existing.length === 0) throw new NotFoundError('SPEC_NOT_FOUND', `no spec named '${application}'`);
    const changes: ResourceChange[] = existing
      .filter((r) => r.state !== 'terminating')
      .map((r) => ({ action: 'delete', id: r.id, name: r.name, type: r.type }));
    checkStates(changes, new Map(existing.map((r) => [r.id, r])));
    const applied = await execute(services, application, changes);
    await specs.delete(application);
    return { application, changes: applied, unchanged: [], failed: [] };
  });
}

/**
 * Refuses changes the resource's state cannot take: anything while work is
 * in flight; an update of a failed delete (a failed create or update takes
 * an update: it runs again with the new properties); a delete of a resource
 * neither active nor failed.
 */
function checkStates(changes: ResourceChange[], byId: Map<string, ResourceRecord>): void {
  const problems: string[] = [];
  for (const c of changes) {
    if (c.action === 'create') continue;
    const { state, pendingOperation } = byId.get(c.id)!;
    if (pendingOperation && state !== 'failed') {
      problems.push(`resource '${c.name}' is ${state} with a ${pendingOperation} pending; try again when it is done`);
    } else if (c.action === 'update' && state === 'failed' && pendingOperation === 'delete') {
      problems.push(`resource '${c.name}' failed to be deleted and cannot be updated; retry the delete (POST /api/resources/${c.id}/retry), or remove the resource from the spec`);
    } else if (c.action === 'update' && state !== 'active' && state !== 'failed') {
      problems.push(`resource '${c.name}' is ${state} and cannot be updated until it is active or failed`);
    } else if (c.action === 'delete' && state !== 'active' && state !== 'failed') {
      problems.push(`resource '${c.name}' is ${state} and cannot be deleted until it is active or failed`);
    }
  }
  if (problems.length) throw new ConflictError('RESOURCE_CONFLICT', problems.join('; '));
}

/** The operation an update will run: a failed create is created again with the new properties. */
function updateOperations(changes: ResourceChange[], byId: Map<string, ResourceRecord>): Map<string, 'create' | 'update'> {
  const ops = new Map<string, 'create' | 'update'>();
  for (const c of changes) {
    if (c.action !== 'update') continue;
    const r = byId.get(c.id)!;
    ops.set(c.id, r.state === 'failed' && r.pendingOperation === 'create' ? 'create' : 'update');
  }
  return ops;
}

async function execute(services: HostServices, application: string, changes: ResourceChange[]): Promise<AppliedChange[]> {
  const applied: AppliedChange[] = [];
  for (const c of changes) {
    let record: ResourceRecord;
    if (c.action === 'create') record = await submitNew(services, application, c);
    else if (c.action === 'update') record = await services.requests.update(c.id, c.properties);
    else record = await services.requests.delete(c.id);
    services.metrics.requested(record.id);
    applied.push({ action: c.action, name: c.name, type: c.type, id: record.id, state: record.state });
  }
  return applied;
}

/** Creates a resource; another replica creating the same one at the same moment is a conflict, not a failure. */
async function submitNew(services: HostServices, application: string, c: Extract<ResourceChange, { action: 'create' }>): Promise<ResourceRecord> {
  try {
    return await services.requests.submit({ application, name: c.name, type: c.type, properties: c.properties });
  } catch (err) {
    if (await services.store.findResource(application, c.name)) {
      throw new ConflictError('RESOURCE_CONFLICT', `resource '${c.name}' of application '${application}' was just created by another request; submit the spec again`);
    }
    throw err;
  }
}
