import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { MAX_PROPERTIES_BYTES, ProviderRegistry, StoreError, type LoadedProvider, type Workflow } from '@innominatus/core';
import { SqlStoreError } from '@innominatus/store-sql';
import { createServer } from '../src/http/server';
import { USER_TOKEN, fakeServices } from './fake-services';
import { storedScore } from '../src/score/stored-score';

/** A workflow declaring the database-team provider's parameters (names, size enum). */
function workflow(name: string): Workflow {
  return {
    apiVersion: 'innominatus.io/v1',
    kind: 'Workflow',
    metadata: { name },
    steps: [],
    outputs: name === 'delete' ? {} : { host: 'db.svc' },
    parameters: [
      { name: 'db_name', type: 'string', required: true, pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$', maxLength: 20 },
      { name: 'team_id', type: 'string', required: true, maxLength: 12 },
      ...(name === 'delete' ? [] : [{ name: 'size', type: 'string' as const, enum: ['small', 'medium', 'large'], default: 'small' }]),
    ],
  };
}

function checkedProvider(): LoadedProvider {
  const parameters = { db_name: '${{ resource.name }}', team_id: '${{ resource.application }}' };
  return {
    provider: {
      apiVersion: 'v1',
      kind: 'Provider',
      metadata: { name: 'checked', version: '1.0.0' },
      capabilities: {
        resourceTypeCapabilities: [
          {
            type: 'pg',
            operations: {
              create: { workflow: 'provision', parameters },
              update: { workflow: 'update', parameters },
              delete: { workflow: 'delete', parameters },
            },
          },
        ],
      },
      workflows: [
        { name: 'provision', file: 'p.yaml', operation: 'create' },
        { name: 'update', file: 'u.yaml', operation: 'update' },
        { name: 'delete', file: 'd.yaml', operation: 'delete' },
      ],
    },
    workflows: new Map([
      ['provision', { workflow: workflow('provision') }],
      ['update', { workflow: workflow('update') }],
      ['delete', { workflow: workflow('delete') }],
    ]),
  };
}

const spec = (app: string, resources: string) => `apiVersion: score.dev/v1b1
metadata:
  name: ${app}
containers:
  main:
    image: app:1
resources:
${resources}`;

const headers = { authorization: `Bearer ${USER_TOKEN}`, 'content-type': 'application/yaml' };

let env: ReturnType<typeof fakeServices>;
let app: FastifyInstance;

beforeEach(async () => {
  env = fakeServices(1024 * 1024);
  env.services.registry = new ProviderRegistry().register(checkedProvider());
  app = createServer(env.services);
  await app.ready();
});
afterEach(() => app.close());

const submit = (body: string) => app.inject({ method: 'POST', url: '/api/specs', headers, payload: body });

describe('a submission is checked against the provider before anything is stored or run', () => {
  it('answers 422 naming the property for a value the workflow refuses, and stores nothing', async () => {
    const res = await submit(spec('shop', '  db:\n    type: pg\n    params:\n      size: huge\n'));
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual({
      error: {
        code: 'SCORE_PROPERTIES_INVALID',
        message: `Score spec asks for what its providers cannot do: resources.db.params.size parameter 'size' must be one of "small", "medium", "large" (got "huge") (create workflow 'provision' of provider 'checked')`,
        issues: [
          {
            field: 'resources.db.params.size',
            line: 11,
            col: 13,
            message: `parameter 'size' must be one of "small", "medium", "large" (got "huge") (create workflow 'provision' of provider 'checked')`,
          },
        ],
      },
    });
    expect(await env.store.listResources()).toEqual([]);
    expect(await env.services.store.listSpecs({ limit: 10 })).toEqual([]);
  });

  it('checks the params of a resource waiting for another at submit, all but those reading the other', async () => {
    const waiting = '  db:\n    type: pg\n  app:\n    type: pg\n    params:\n      size: ${metadata.size}\n      replica_of: ${resources.db.host}\n';
    const res = await submit(spec('shop', waiting).replace('  name: shop\n', '  name: shop\n  size: huge\n'));
    expect(res.statusCode).toBe(422);
    expect(res.json().error.issues).toEqual([
      {
        field: 'resources.app.params.size',
        line: 14,
        col: 13,
        message: `parameter 'size' must be one of "small", "medium", "large" (got "huge") (create workflow 'provision' of provider 'checked')`,
      },
    ]);
    expect(await env.store.listResources()).toEqual([]);
    const ok = await submit(spec('shop', waiting).replace('  name: shop\n', '  name: shop\n  size: medium\n'));
    expect(ok.statusCode).toBe(202);
    expect(ok.json()).toMatchObject({ changes: [{ action: 'create', name: 'db' }], waiting: [{ name: 'app', on: ['db'] }] });
  });

  it('names the resource for a mapped name too long, and metadata.name for an application name too long', async () => {
    const res = await submit(spec('a-very-long-shop', '  a-very-long-database-name:\n    type: pg\n'));
    expect(res.statusCode).toBe(422);
    expect(res.json().error.issues).toEqual([
      {
        field: 'resources.a-very-long-database-name',
        line: 9,
        col: 5,
        message: `parameter 'db_name' must NOT have more than 20 characters (got "a-very-long-database-name") (create workflow 'provision' of provider 'checked')`,
      },
      {
        field: 'metadata.name',
        line: 3,
        col: 9,
        message: `parameter 'team_id' must NOT have more than 12 characters (got "a-very-long-shop") (create workflow 'provision' of provider 'checked')`,
      },
    ]);
    expect(await env.store.listResources()).toEqual([]);
  });

  it('checks an update the same way and leaves the resource and the stored spec as they were', async () => {
    const first = await submit(spec('shop', '  db:\n    type: pg\n    params:\n      size: small\n'));
    expect(first.statusCode).toBe(202);
    const id = first.json().changes[0].id;
    await env.activate(id);
    const before = (await storedScore(env.services.store, 'shop'))!;
    const res = await submit(spec('shop', '  db:\n    type: pg\n    params:\n      size: gigantic\n'));
    expect(res.statusCode).toBe(422);
    expect(res.json().error.issues[0].message).toBe(
      `parameter 'size' must be one of "small", "medium", "large" (got "gigantic") (update workflow 'update' of provider 'checked')`,
    );
    const r = (await env.store.getResource(id))!;
    expect([r.state, r.pendingOperation, r.properties]).toEqual(['active', undefined, { size: 'small' }]);
    expect(await storedScore(env.services.store, 'shop')).toEqual(before);
  });

  it('does not store the spec when executing a change is refused (another replica changed the resource meanwhile)', async () => {
    const id = (await submit(spec('shop', '  db:\n    type: pg\n'))).json().changes[0].id;
    await env.activate(id);
    env.patchTransactions(() => ({
      update: async () => {
        throw new StoreError('INVALID_TRANSITION', "resource 'db' is updating; only an active resource with no pending work can be updated");
      },
    }));
    const refused = await submit(spec('shop', '  db:\n    type: pg\n    params:\n      size: large\n'));
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toEqual({
      code: 'INVALID_TRANSITION',
      message: "resource 'db' is updating; only an active resource with no pending work can be updated",
    });
    expect((await storedScore(env.services.store, 'shop'))!.spec.resources).toEqual({ db: { type: 'pg' } });
  });

  it('lists a failed resource as failed, not as unchanged, and runs a failed create again with corrected params', async () => {
    const id = (await submit(spec('shop', '  db:\n    type: pg\n'))).json().changes[0].id;
    await env.move(id, 'requested', 'provisioning');
    await env.move(id, 'provisioning', 'failed', { error: { code: 'STEP_FAILED', message: 'the operator refused', retryable: false } });
    const again = await submit(spec('shop', '  db:\n    type: pg\n'));
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual({
      application: 'shop',
      changes: [],
      unchanged: [],
      failed: [{ name: 'db', id, operation: 'create', error: { code: 'STEP_FAILED', message: 'the operator refused' } }],
      waiting: [],
      warnings: [],
    });
    // The corrected params are checked against the create workflow (the operation that runs again).
    const bad = await submit(spec('shop', '  db:\n    type: pg\n    params:\n      size: huge\n'));
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.issues[0].message).toBe(
      `parameter 'size' must be one of "small", "medium", "large" (got "huge") (create workflow 'provision' of provider 'checked')`,
    );
    const fixed = await submit(spec('shop', '  db:\n    type: pg\n    params:\n      size: large\n'));
    expect(fixed.statusCode).toBe(202);
    expect(fixed.json()).toEqual({
      application: 'shop',
      changes: [{ action: 'update', name: 'db', type: 'pg', reason: 'params changed: size', id, state: 'provisioning' }],
      unchanged: [],
      failed: [],
      waiting: [],
      warnings: [],
    });
    expect((await env.store.getResource(id))!.properties).toEqual({ size: 'large' });
  });

  it('refuses to update a resource whose delete failed, saying what to do', async () => {
    const id = (await submit(spec('shop', '  db:\n    type: pg\n'))).json().changes[0].id;
    await env.activate(id);
    await env.store.patchResource(id, { state: 'active' }, { pendingOperation: 'delete' });
    await env.move(id, 'active', 'terminating');
    await env.move(id, 'terminating', 'failed', { error: { code: 'STEP_FAILED', message: 'stuck finalizer', retryable: false } });
    const res = await submit(spec('shop', '  db:\n    type: pg\n    params:\n      size: large\n'));
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toBe(
      `resource 'db' failed to be deleted and cannot be updated; retry the delete (POST /api/resources/${id}/retry), or remove the resource from the spec`,
    );
  });
});

describe("limits and store failures answer with the user's or the store's status, not 500", () => {
  it('answers 422 at resources.<name>.params for params over the store limit', async () => {
    const body = {
      apiVersion: 'score.dev/v1b1',
      metadata: { name: 'shop' },
      containers: { main: { image: 'app:1' } },
      resources: { db: { type: 'pg', params: { blob: 'x'.repeat(MAX_PROPERTIES_BYTES) } } },
    };
    const res = await app.inject({ method: 'POST', url: '/api/specs', headers: { authorization: `Bearer ${USER_TOKEN}` }, payload: body });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.issues).toEqual([
      { field: 'resources.db.params', message: `are ${MAX_PROPERTIES_BYTES + '{"blob":""}'.length} bytes as JSON; the limit is ${MAX_PROPERTIES_BYTES}` },
    ]);
    expect(await env.store.listResources()).toEqual([]);
  });

  it('answers 503 STORE_UNAVAILABLE with retry-after when the store cannot be reached, and /metrics still serves', async () => {
    const down = new SqlStoreError('STORE_UNAVAILABLE', 'cannot reach PostgreSQL: connect ECONNREFUSED 10.1.2.3:5432', { retryable: true });
    env.store.listResources = async () => {
      throw down;
    };
    const res = await app.inject({ method: 'GET', url: '/api/resources', headers });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json()).toEqual({ error: { code: 'STORE_UNAVAILABLE', message: 'the store is unavailable; try again shortly' } });
    const raw = Object.assign(new Error('Connection terminated unexpectedly'), {});
    env.store.transaction = async () => {
      throw raw;
    };
    expect((await submit(spec('shop', '  db:\n    type: pg\n'))).statusCode).toBe(503);
    env.store.countResources = async () => {
      throw down;
    };
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('innominatus_store_up 0');
    // A store error that is not about reaching it stays a 500 without detail.
    env.store.listResources = async () => {
      throw new SqlStoreError('STORE_QUERY_FAILED', 'SQLite refused a statement: disk I/O error');
    };
    const other = await app.inject({ method: 'GET', url: '/api/resources', headers });
    expect([other.statusCode, other.json().error.code]).toEqual([500, 'INTERNAL']);
  });

  it("answers /healthz 503 without the store's detail and logs the detail", async () => {
    env.store.listResources = async () => {
      throw new SqlStoreError('STORE_UNAVAILABLE', 'cannot reach PostgreSQL: connect ECONNREFUSED db-prod-7.internal:5432', { retryable: true });
    };
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      status: 'unavailable',
      error: { code: 'STORE_UNAVAILABLE', message: 'the store is unavailable; the host log has the details' },
    });
    expect(res.body).not.toContain('db-prod-7');
    expect(env.logs.join('')).toContain('db-prod-7.internal:5432');
  });
});
