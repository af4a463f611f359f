import { Writable } from 'node:stream';
import {
  createEngine,
  createOrchestrator,
  MemoryStore,
  ProviderRegistry,
  sensitive,
  type LoadedProvider,
  type OrchestratorTransaction,
  type ResourceRecord,
  type StateChange,
  type Store,
  type Workflow,
} from '@innominatus/core';
import { createAuthenticator } from '../src/http/auth';
import { EventHub } from '../src/event-hub';
import type { HostServices } from '../src/host-services';
import { createLogger } from '../src/logger';
import { createMetrics } from '../src/metrics';

export const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
export const USER_TOKEN = 'user-token-0123456789abcdef';

function workflow(name: string, outputs: Record<string, unknown> = {}): Workflow {
  return { apiVersion: 'innominatus.io/v1', kind: 'Workflow', metadata: { name }, steps: [], outputs };
}

/** A provider serving `postgres` (alias `postgresql`) with declared outputs. */
export function postgresProvider(): LoadedProvider {
  return {
    provider: {
      apiVersion: 'v1',
      kind: 'Provider',
      metadata: { name: 'database-team', version: '1.0.0', description: 'PostgreSQL' },
      capabilities: {
        resourceTypeCapabilities: [
          {
            type: 'postgres',
            classes: ['default', 'large'],
            operations: { create: { workflow: 'provision' }, update: { workflow: 'update' }, delete: { workflow: 'delete' } },
          },
          { type: 'postgresql', aliasFor: 'postgres' },
        ],
      },
      workflows: [
        { name: 'provision', file: 'p.yaml', operation: 'create' },
        { name: 'update', file: 'u.yaml', operation: 'update' },
        { name: 'delete', file: 'd.yaml', operation: 'delete' },
      ],
    },
    workflows: new Map([
      [
        'provision',
        {
          workflow: workflow('provision', {
            host: 'h',
            port: 5432,
            password: { value: 'p', sensitive: true },
            connection_string: { value: 'c', sensitive: true },
          }),
        },
      ],
      [
        'update',
        {
          workflow: workflow('update', {
            host: 'h',
            port: 5432,
            password: { value: 'p', sensitive: true },
            connection_string: { value: 'c', sensitive: true },
          }),
        },
      ],
      ['delete', { workflow: workflow('delete') }],
    ]),
  };
}

/** Host services over fakes (and `store`, a memory store unless given), with every log line captured. */
export function fakeServices(bodyLimit = 64 * 1024, store: Store = new MemoryStore()) {
  const hub = new EventHub();
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _e, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  const registry = new ProviderRegistry().register(postgresProvider());
  const services: HostServices = {
    store,
    // A real orchestrator, never started: requests are written as in production, and nothing runs.
    requests: createOrchestrator({ store, engine: createEngine({ steps: [], journal: store }), registry }),
    registry,
    providers: [
      { name: 'database-team', enabled: true, status: 'registered', source: { type: 'filesystem', path: '/p/database-team' }, diagnostics: [] },
      {
        name: 'broken',
        enabled: true,
        status: 'failed',
        source: { type: 'filesystem', path: '/p/broken' },
        diagnostics: [{ severity: 'error', code: 'WORKFLOW_SCHEMA', message: 'bad', file: 'provider.yaml', line: 3, col: 1 }],
      },
    ],
    hub,
    metrics: createMetrics(hub, () => store.countResources({ pending: true, leased: false })),
    authenticator: createAuthenticator([
      { name: 'admin', role: 'admin', token: sensitive(ADMIN_TOKEN) },
      { name: 'dev', role: 'user', token: sensitive(USER_TOKEN) },
    ]),
    logger: createLogger({ level: 'info', destination, secrets: [ADMIN_TOKEN, USER_TOKEN] }),
    bodyLimit,
  };
  /** Moves a resource through the lifecycle the way the orchestrator would, publishing the events. */
  const move = async (id: string, from: ResourceRecord['state'], to: ResourceRecord['state'], set: StateChange['set'] = {}) => {
    const r = await store.transition(id, { from, to, reason: `test: ${from} -> ${to}`, set });
    if (!r) throw new Error(`cannot move ${id} from ${from}`);
    hub.publish({
      kind: 'resource',
      resourceId: id,
      application: r.application,
      name: r.name,
      type: r.type,
      from,
      to,
      reason: 'test',
      at: new Date().toISOString(),
    });
    return r;
  };
  /** Finishes a requested create as the orchestrator would: provisioning, then active with no pending work and `set` (e.g. its outputs). */
  const activate = async (id: string, set: StateChange['set'] = {}) => {
    await move(id, 'requested', 'provisioning');
    return move(id, 'provisioning', 'active', { pendingOperation: null, ...set });
  };
  /**
   * Makes later transactions (submissions) call `patch(tx)`'s methods in
   * place of the transaction's own: e.g. a request refused midway.
   */
  const patchTransactions = (patch: (tx: OrchestratorTransaction) => Partial<OrchestratorTransaction>) => {
    const original = services.requests.transaction.bind(services.requests);
    services.requests.transaction = <T>(application: string, fn: (tx: OrchestratorTransaction) => Promise<T>) =>
      original(application, (tx) => fn({ ...tx, ...patch(tx) }));
  };
  return { services, store, hub, logs, move, activate, patchTransactions };
}
