import { StoreError } from '../errors';
import type { EventEmitter } from 'eventemitter3';
import type { ResourceRecord, Store } from '../store/types';
import type { OrchestratorEvents } from './types';
import { createRequested, planRequest, type LifecycleRequest, type RequestRefusal } from './lifecycle';
import { Transitions } from './transitions';
import type { Orchestrator, OrchestratorTransaction, ResourceRequest, ResourceTransitionEvent } from './types';

/** The orchestrator's request methods: each writes one compare-and-set change and wakes the claim loop. */
export type RequestApi = Pick<Orchestrator, 'submit' | 'update' | 'delete' | 'retry'>;

/** What the request methods read and write. */
export type RequestStore = Pick<Store, 'createResource' | 'getResource' | 'patchResource' | 'transition'>;

/** What each request answers when refused, after the resource's state. */
const REFUSED: Record<LifecycleRequest['action'], Partial<Record<RequestRefusal, string>> & { default: string }> = {
  update: {
    'failed-delete': 'a failed delete cannot be updated; retry or delete it',
    default: 'only an active resource with no pending work, or a failed one, can be updated',
  },
  delete: { default: 'only an active or failed resource can be deleted' },
  retry: { default: 'only a failed resource can be retried' },
};

/** What a request answers when the resource changed between reading it and writing the change. */
const RACED: Record<LifecycleRequest['action'], string> = {
  update: 'it changed while the update was requested; try again',
  delete: 'it changed while the delete was requested; try again',
  retry: 'it changed while the retry was requested',
};

/** Makes the request methods over `store` (the store, or one transaction of it); `wake` is called after every accepted request. */
export function createRequestApi(store: RequestStore, transitions: Transitions, wake: () => void): RequestApi {
  const load = async (id: string): Promise<ResourceRecord> => {
    const r = await store.getResource(id);
    if (!r) throw new StoreError('RESOURCE_NOT_FOUND', `resource '${id}' not found`);
    return r;
  };

  const request = async (id: string, req: LifecycleRequest): Promise<ResourceRecord> => {
    const r = await load(id);
    const plan = planRequest(r, req);
    if (!plan.accepted) throw busy(r, REFUSED[req.action][plan.refusal] ?? REFUSED[req.action].default);
    const { transition: t, set } = plan;
    const updated = t ? await transitions.move(id, t.from, t.to, t.reason, { set }) : await store.patchResource(id, plan.expect ?? {}, set);
    if (!updated) throw busy(await load(id), RACED[req.action]);
    wake();
    return updated;
  };

  return {
    async submit(req: ResourceRequest) {
      const r = await createRequested(store, req);
      transitions.announce(r, undefined, 'create requested');
      wake();
      return r;
    },
    update(id, properties, metadata) {
      if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
        return Promise.reject(new StoreError('RESOURCE_INVALID', `the properties of an update of resource '${id}' must be an object`));
      }
      return request(id, { action: 'update', properties, ...(metadata !== undefined ? { metadata } : {}) });
    },
    delete: (id) => request(id, { action: 'delete' }),
    retry: (id) => request(id, { action: 'retry' }),
  };
}

/**
 * Runs `fn` in one transaction of `store` holding `locks`, with the request
 * methods over it. The transitions' events are held back and published, and
 * the claim loop woken, only once the transaction has committed: a refused
 * submission announces nothing.
 */
export async function requestsInTransaction<T>(
  store: Store,
  locks: string | readonly string[],
  fn: (tx: OrchestratorTransaction) => Promise<T>,
  events: EventEmitter<OrchestratorEvents>,
  wake: () => void,
): Promise<T> {
  const held: ResourceTransitionEvent[] = [];
  let requested = false;
  const result = await store.transaction(locks, (tx) => {
    const requests = createRequestApi(tx, new Transitions(tx, (e) => held.push(e)), () => (requested = true));
    return fn({
      ...requests,
      getSpec: (name) => tx.getSpec(name),
      listSpecs: (page) => tx.listSpecs(page),
      putSpec: (spec) => tx.putSpec(spec),
      deleteSpec: (name) => tx.deleteSpec(name),
      getResource: (id) => tx.getResource(id),
      findResource: (app, name) => tx.findResource(app, name),
      listResources: (filter) => tx.listResources(filter),
    });
  });
  for (const e of held) events.emit('resource:transition', e);
  if (requested) wake();
  return result;
}

function busy(r: ResourceRecord, wanted: string): StoreError {
  return new StoreError(
    'INVALID_TRANSITION',
    `resource '${r.name}' (${r.id}) is ${r.state}${r.pendingOperation && r.state !== 'failed' ? ` with a ${r.pendingOperation} pending` : ''}; ${wanted}`,
  );
}
