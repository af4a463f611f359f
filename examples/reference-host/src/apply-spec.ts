import type { ProviderRegistry, ResourceRecord } from '@innominatus/core';
import { ConflictError, NotFoundError, ScoreError, type Issue } from './errors';
import type { HostServices } from './host-services';
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

/** The answer to a submitted (or deleted) spec. */
export interface ApplyResult {
  application: string;
  changes: AppliedChange[];
  unchanged: string[];
}

/** Per host, the last change of each application, so changes to one application run one at a time. */
const hostLocks = new WeakMap<HostServices, Map<string, Promise<unknown>>>();

/** Runs `fn` after every earlier call of this host for the same application has finished. */
async function serialized<T>(services: HostServices, application: string, fn: () => Promise<T>): Promise<T> {
  let locks = hostLocks.get(services);
  if (!locks) hostLocks.set(services, (locks = new Map()));
  const previous = locks.get(application) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(fn);
  locks.set(application, next);
  try {
    return await next;
  } finally {
    if (locks.get(application) === next) locks.delete(application);
  }
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
 * changed when any resource type is unserved, any placeholder unknown, or any
 * resource is in a state that cannot take the change.
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

  return serialized(services, application, async () => {
    const existing = (await services.store.listResources({ application, limit: 10_000 })).filter((r) => r.state !== 'terminated');
    const plan = diffResources(spec, existing, source);
    const byId = new Map(existing.map((r) => [r.id, r]));
    const changes = plan.changes.filter((c) => !(c.action === 'delete' && byId.get(c.id)?.state === 'terminating'));
    checkStates(changes, byId);
    await services.specs.put({ name: application, spec, submittedAt: new Date().toISOString() });
    const applied = await execute(services, application, changes);
    return { application, changes: applied, unchanged: plan.unchanged };
  });
}

/** Deletes every resource of an application and forgets its spec. */
export async function deleteSpec(services: HostServices, application: string): Promise<ApplyResult> {
  return serialized(services, application, async () => {
    const stored = await services.specs.get(application);
    const existing = (await services.store.listResources({ application, limit: 10_000 })).filter((r) => r.state !== 'terminated');
    if (!stored && existing.length === 0) throw new NotFoundError('SPEC_NOT_FOUND', `no spec named '${application}'`);
    const changes: ResourceChange[] = existing
      .filter((r) => r.state !== 'terminating')
      .map((r) => ({ action: 'delete', id: r.id, name: r.name, type: r.type }));
    checkStates(changes, new Map(existing.map((r) => [r.id, r])));
    const applied = await execute(services, application, changes);
    await services.specs.delete(application);
    return { application, changes: applied, unchanged: [] };
  });
}

const UPDATABLE = new Set(['active']);
const DELETABLE = new Set(['active', 'failed']);

function checkStates(changes: ResourceChange[], byId: Map<string, ResourceRecord>): void {
  const problems: string[] = [];
  for (const c of changes) {
    if (c.action === 'create') continue;
    const { state, pendingOperation } = byId.get(c.id)!;
    const allowed = c.action === 'update' ? UPDATABLE : DELETABLE;
    if (pendingOperation && state !== 'failed') {
      problems.push(`resource '${c.name}' is ${state} with a ${pendingOperation} pending; try again when it is done`);
    } else if (!allowed.has(state)) {
      problems.push(`resource '${c.name}' is ${state} and cannot be ${c.action === 'update' ? 'updated' : 'deleted'} until it is ${[...allowed].join(' or ')}`);
    }
  }
  if (problems.length) throw new ConflictError('RESOURCE_CONFLICT', problems.join('; '));
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
