import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { runIdFor, sensitive, type LoadedProvider, type Workflow } from '@innominatus/core';
import { createServer } from '../src/http/server';
import { migrateSharedIndex } from '../src/score/shared-index-migration';
import { parseScore } from '../src/score/score-spec';
import { toStoredSpec } from '../src/score/stored-score';
import { createWaitingResources } from '../src/waiting-resources';
import { USER_TOKEN, fakeServices, postgresProvider } from './fake-services';

const WORKFLOW = { apiVersion: 'innominatus.io/v1', kind: 'Workflow', metadata: { name: 'provision' }, steps: [] } as unknown as Workflow;
const AT = '2026-01-01T10:00:00.000Z';
const headers = { authorization: `Bearer ${USER_TOKEN}`, 'content-type': 'application/yaml' };

/** A workload `name` whose resource `db` is the shared resource `shared-db` (more resource lines in `extra`). */
const spec = (name: string, db = '    type: postgres\n    id: shared-db\n', extra = '') => `apiVersion: score.dev/v1b1
metadata:
  name: ${name}
containers:
  main:
    image: app:1
    variables:
      DB_HOST: \${resources.db.host}
resources:
  db:
${db}${extra}`;

/** A second provider, serving `redis`. */
function redisProvider(): LoadedProvider {
  const p = postgresProvider();
  return {
    ...p,
    provider: {
      ...p.provider,
      metadata: { ...p.provider.metadata, name: 'cache-team' },
      capabilities: {
        resourceTypeCapabilities: [
          { type: 'redis', operations: { create: { workflow: 'provision' }, update: { workflow: 'update' }, delete: { workflow: 'delete' } } },
        ],
      },
    },
  };
}

let env: ReturnType<typeof fakeServices>;
let app: FastifyInstance;
let stopWaiting: () => void;

beforeEach(async () => {
  env = fakeServices();
  env.services.registry.register(redisProvider());
  stopWaiting = createWaitingResources(env.services);
  app = createServer(env.services);
  await app.ready();
});
afterEach(async () => {
  stopWaiting();
  await app.close();
});

const post = (body: string, query = '') => app.inject({ method: 'POST', url: `/api/specs${query}`, headers, payload: body });
const get = (url: string) => app.inject({ method: 'GET', url, headers });
const del = (name: string) => app.inject({ method: 'DELETE', url: `/api/specs/${name}`, headers });
const all = async () => (await env.store.listResources()).map((r) => [r.application, r.name, r.state, r.pendingOperation ?? null]);

async function activate(id: string, host = 'shared-db.svc') {
  await env.activate(id, {
    outputs: { host, port: 5432, password: sensitive('pw'), connection_string: sensitive('x') },
  });
}

describe('a shared resource (the same id in several workloads)', () => {
  it('is created once, linked by the second workload, read by both, and drawn linking the applications', async () => {
    const first = await post(spec('web'));
    expect(first.statusCode).toBe(202);
    expect(first.json()).toMatchObject({
      changes: [
        {
          action: 'create',
          name: 'db',
          type: 'postgres',
          reason: "new in the spec: the shared resource 'postgres.default#shared-db', which no application has yet",
        },
      ],
      unchanged: [],
    });
    const id = first.json().changes[0].id;
    const second = await post(spec('worker'));
    expect(second.statusCode).toBe(202);
    expect(second.json()).toMatchObject({ changes: [], unchanged: ['db'], failed: [], waiting: [] });
    expect(await all()).toEqual([['shared', 'postgres-shared-db', 'requested', 'create']]);

    await activate(id);
    for (const name of ['web', 'worker']) {
      expect((await get(`/api/specs/${name}/resolved`)).json().containers.main.variables).toEqual({ DB_HOST: 'shared-db.svc' });
      expect((await get(`/api/specs/${name}`)).json().resources.map((r: { id: string }) => r.id)).toEqual([id]);
    }
    const apps = (await get('/api/applications')).json().applications;
    expect(apps.map((a: { name: string; resources: { id: string }[] }) => [a.name, a.resources.map((r) => r.id)])).toEqual([
      ['shared', [id]],
      ['web', [id]],
      ['worker', [id]],
    ]);
    const graph = (await get('/api/graph/web')).json();
    expect(graph.edges.filter((e: { to: string }) => e.to === `resource:${id}`)).toEqual([
      { from: 'application:web', to: `resource:${id}`, kind: 'has' },
      { from: 'application:worker', to: `resource:${id}`, kind: 'shares' },
    ]);
    expect((await get('/api/graph/worker')).json().edges.filter((e: { to: string }) => e.to === `resource:${id}`)).toEqual([
      { from: 'application:worker', to: `resource:${id}`, kind: 'has' },
      { from: 'application:web', to: `resource:${id}`, kind: 'shares' },
    ]);
  });

  it('is created once when two applications declare it at the same moment', async () => {
    const answers = await Promise.all([post(spec('web')), post(spec('worker'))]);
    expect(answers.map((a) => a.statusCode)).toEqual([202, 202]);
    // One created it and the other linked it, in whichever order they ran.
    expect(answers.map((a) => a.json().changes.length).sort()).toEqual([0, 1]);
    expect(await all()).toEqual([['shared', 'postgres-shared-db', 'requested', 'create']]);
  });

  it('is kept while another application declares it, and deleted with the last one', async () => {
    const id = (await post(spec('web'))).json().changes[0].id;
    await post(spec('worker'));
    await activate(id);

    const plan = await app.inject({ method: 'DELETE', url: '/api/specs/web?dryRun=true', headers });
    expect(plan.json()).toMatchObject({ dryRun: true, changes: [], unchanged: ['db'] });
    const deleted = await del('web');
    expect(deleted.statusCode).toBe(202);
    expect(deleted.json()).toMatchObject({ changes: [], unchanged: ['db'] });
    expect(await all()).toEqual([['shared', 'postgres-shared-db', 'active', null]]);
    expect((await get('/api/specs/worker/resolved')).json().containers.main.variables).toEqual({ DB_HOST: 'shared-db.svc' });

    const last = await del('worker');
    expect(last.json()).toMatchObject({
      changes: [
        {
          action: 'delete',
          name: 'db',
          id,
          state: 'active',
          reason: "the spec was deleted, and no other application's spec declares the shared resource 'postgres.default#shared-db'",
        },
      ],
      unchanged: [],
    });
    expect(await all()).toEqual([['shared', 'postgres-shared-db', 'active', 'delete']]);
  });

  it('leaves the resource when one spec stops declaring it, and asks to prune when the last one does', async () => {
    const id = (await post(spec('web'))).json().changes[0].id;
    await post(spec('worker'));
    await activate(id);
    const own = spec('web', '    type: postgres\n').replace('${resources.db.host}', 'x');
    const unlinked = await post(own);
    expect(unlinked.statusCode).toBe(202);
    expect(unlinked.json().changes.map((c: { action: string; name: string }) => `${c.action} ${c.name}`)).toEqual(['create db']);
    expect(await all()).toEqual([
      ['shared', 'postgres-shared-db', 'active', null],
      ['web', 'db', 'requested', 'create'],
    ]);

    const gone = spec('worker', '    type: postgres\n    id: other-db\n');
    const refused = await post(gone);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toEqual({
      code: 'SPEC_PRUNE_REQUIRED',
      message:
        "this spec would delete a resource of application 'worker' with its data: 'db' (postgres): the shared resource 'postgres.default#shared-db' is no longer in the spec, and no other application's spec declares it. Submit again with ?prune=true to confirm, or ?dryRun=true to see the whole plan",
    });
    const pruned = await post(gone, '?prune=true');
    expect(pruned.json().changes.map((c: { action: string; name: string; id?: string }) => `${c.action} ${c.name}`)).toEqual(['create db', 'delete db']);
    expect(await all()).toEqual([
      ['shared', 'postgres-shared-db', 'active', 'delete'],
      ['web', 'db', 'requested', 'create'],
      ['shared', 'postgres-other-db', 'requested', 'create'],
    ]);
  });

  it('is another shared resource for the same id with another type or class, and one resource for the same type, class and id', async () => {
    await post(spec('web', '    type: postgres\n    id: shared-db\n    params:\n      size: small\n'));
    const redis = await post(spec('cache', '    type: redis\n    id: shared-db\n'));
    expect(redis.statusCode).toBe(202);
    expect(redis.json().changes).toMatchObject([
      { action: 'create', name: 'db', type: 'redis', reason: "new in the spec: the shared resource 'redis.default#shared-db', which no application has yet" },
    ]);
    const large = await post(spec('worker', '    type: postgres\n    class: large\n    id: shared-db\n'));
    expect(large.json().changes).toMatchObject([
      {
        action: 'create',
        name: 'db',
        type: 'postgres',
        reason: "new in the spec: the shared resource 'postgres.large#shared-db', which no application has yet",
      },
    ]);
    expect(await all()).toEqual([
      ['shared', 'postgres-shared-db', 'requested', 'create'],
      ['shared', 'redis-shared-db', 'requested', 'create'],
      ['shared', 'postgres-large-shared-db', 'requested', 'create'],
    ]);
    const ids = Object.fromEntries((await env.store.listResources()).map((r) => [r.name, r.id]));
    await activate(ids['postgres-shared-db'], 'default.svc');
    await activate(ids['redis-shared-db'], 'redis.svc');
    await activate(ids['postgres-large-shared-db'], 'large.svc');
    const host = async (name: string) => (await get(`/api/specs/${name}/resolved`)).json().containers.main.variables.DB_HOST;
    expect([await host('web'), await host('cache'), await host('worker')]).toEqual(['default.svc', 'redis.svc', 'large.svc']);

    // The same type, class and id is one resource: params, where several give them, must agree.
    const medium = await post(spec('other', '    type: postgres\n    id: shared-db\n    params:\n      size: medium\n'));
    expect(medium.json().error).toMatchObject({ code: 'SCORE_INVALID' });
    expect(medium.json().error.issues).toEqual([
      {
        field: 'resources.db.params',
        line: 14,
        col: 7,
        message:
          "differ from the params application 'web' (as resource 'db') gives the shared resource 'postgres.default#shared-db': every spec that gives params for a shared resource gives the same",
      },
    ]);
    expect(await env.services.store.getSpec('other')).toBeUndefined();
    // The same params, or none, link.
    expect((await post(spec('other', '    type: postgres\n    id: shared-db\n    params:\n      size: small\n'))).json()).toMatchObject({
      changes: [],
      unchanged: ['db'],
    });
    expect((await post(spec('more', '    type: postgres\n    id: shared-db\n'))).json()).toMatchObject({ changes: [], unchanged: ['db'] });
    expect(await host('more')).toBe('default.svc');

    // Deleting the only application declaring the redis one deletes it, and only it.
    const gone = await del('cache');
    expect(gone.json().changes).toMatchObject([
      {
        action: 'delete',
        name: 'db',
        type: 'redis',
        id: ids['redis-shared-db'],
        reason: "the spec was deleted, and no other application's spec declares the shared resource 'redis.default#shared-db'",
      },
    ]);
    expect((await env.store.listResources()).map((r) => [r.name, r.pendingOperation ?? null])).toEqual([
      ['postgres-shared-db', null],
      ['redis-shared-db', 'delete'],
      ['postgres-large-shared-db', null],
    ]);
  });

  it('refuses an id whose resource name in the shared application is taken by a resource of another type', async () => {
    await env.store.createResource({ application: 'shared', name: 'postgres-xy', type: 'redis', properties: {} });
    const res = await post(spec('web', '    type: postgres\n    id: xy\n'));
    expect(res.statusCode).toBe(422);
    expect(res.json().error.issues).toEqual([
      {
        field: 'resources.db.id',
        line: 12,
        col: 9,
        message:
          "the shared resource 'postgres.default#xy' would be resource 'postgres-xy' of application 'shared', which is taken by a resource of type 'redis', class 'default'; give this one another id",
      },
    ]);
  });

  it("finds the applications declaring a shared resource from the index, reading no other application's spec", async () => {
    for (let i = 0; i < 20; i++) await post(spec(`app-${i}`, '    type: postgres\n'));
    await post(spec('web'));
    await post(spec('worker'));
    const read: string[] = [];
    const listed: unknown[] = [];
    env.patchTransactions((tx) => ({
      getSpec: (name: string) => {
        read.push(name);
        return tx.getSpec(name);
      },
      listSpecs: (page) => {
        listed.push(page);
        return tx.listSpecs(page);
      },
    }));
    expect((await post(spec('api'))).json()).toMatchObject({ changes: [], unchanged: ['db'] });
    expect([...new Set(read)].sort()).toEqual(['#shared-uid:postgres.default#shared-db', 'api', 'web', 'worker']);
    read.length = 0;
    expect((await del('web')).json()).toMatchObject({ changes: [], unchanged: ['db'] });
    expect([...new Set(read)].sort()).toEqual(['#shared-uid:postgres.default#shared-db', 'api', 'web', 'worker']);
    expect(listed).toEqual([]);
    // The index is not an application: the spec listing leaves it out.
    const names = (await get('/api/specs')).json().specs.map((x: { name: string }) => x.name);
    expect(names).toEqual([...Array.from({ length: 20 }, (_, i) => `app-${i}`), 'api', 'worker'].sort());
    expect((await env.store.getSpec('#shared-uid:postgres.default#shared-db'))!.spec).toMatchObject({ store: 'postgres-shared-db', users: ['api', 'worker'] });
  });

  it('creates a resource whose params read a shared one once it is active, in every application declaring it', async () => {
    const id = (await post(spec('web'))).json().changes[0].id;
    const reader = await post(
      spec('worker', '    type: postgres\n    id: shared-db\n', '  app:\n    type: postgres\n    params:\n      primary: ${resources.db.host}\n'),
    );
    expect(reader.json()).toMatchObject({ changes: [], unchanged: ['db'], waiting: [{ name: 'app', type: 'postgres', on: ['db'] }] });
    await activate(id, 'primary.svc');
    const created = await vi.waitFor(
      async () => {
        const r = await env.store.findResource('worker', 'app');
        if (!r) throw new Error('not created yet');
        return r;
      },
      { timeout: 10_000 },
    );
    expect(created.properties).toEqual({ primary: 'primary.svc' });
  });

  it('is listed with the runs of every application declaring it (GET /api/workflows?application=), paged in the store', async () => {
    const cache = '  cache:\n    type: redis\n';
    const shared = (await post(spec('web', undefined, cache))).json().changes.find((c: { name: string }) => c.name === 'db').id;
    await post(spec('worker'));
    await post(spec('blog', '    type: postgres\n').replace('${resources.db.host}', 'x'));
    const idOf = async (application: string, name: string) => (await env.store.findResource(application, name))!.id;
    // A create run for each resource: the shared db (made after web's own cache), web's cache, blog's own db.
    for (const id of [shared, await idOf('web', 'cache'), await idOf('blog', 'db')]) {
      const runId = runIdFor(id, 'create', 1);
      await env.move(id, 'requested', 'provisioning', { runId });
      await env.store.createRun({ runId, workflow: WORKFLOW, parameters: {}, context: {}, status: 'running', attempt: 1, createdAt: AT, updatedAt: AT });
    }
    const runs = async (url: string) => {
      const body = (await get(url)).json();
      return { runs: body.workflows.map((w: { application: string; resource: string }) => `${w.application}/${w.resource}`), next: body.next };
    };
    expect(await runs('/api/workflows?application=worker')).toEqual({ runs: ['shared/postgres-shared-db'], next: undefined });
    expect(await runs('/api/workflows?application=blog')).toEqual({ runs: ['blog/db'], next: undefined });
    const first = await runs('/api/workflows?application=web&limit=1');
    expect(first.runs).toEqual(['shared/postgres-shared-db']);
    expect(await runs(`/api/workflows?application=web&limit=1&cursor=${first.next}`)).toEqual({ runs: ['web/cache'], next: undefined });
    expect(await runs('/api/workflows?application=shared')).toEqual({ runs: ['shared/postgres-shared-db'], next: undefined });
  });

  it("keeps the name 'shared' for shared resources", async () => {
    const res = await post(spec('shared'));
    expect(res.statusCode).toBe(422);
    expect(res.json().error.issues).toEqual([
      {
        field: 'metadata.name',
        line: 3,
        col: 9,
        message: "'shared' is the application this host keeps shared resources (resources with an id) in; give the workload another name",
      },
    ]);
  });
});

describe('the index of shared resources, built once for a store written before it', () => {
  it('adopts a shared resource named by its id when its type and class match, and builds nothing a second time', async () => {
    const legacy = await env.store.createResource({ application: 'shared', name: 'shared-db', type: 'postgres', properties: {} });
    // Named like the id, but of another type: not the resource of postgres.default#other-db.
    await env.store.createResource({ application: 'shared', name: 'other-db', type: 'redis', properties: {} });
    await env.store.transaction('x', async (tx) => {
      await tx.putSpec(toStoredSpec(parseScore(spec('web')).spec, '2026-01-01T00:00:00.000Z'));
      await tx.putSpec(toStoredSpec(parseScore(spec('worker')).spec, '2026-01-01T00:00:00.000Z'));
      await tx.putSpec(toStoredSpec(parseScore(spec('api', '    type: postgres\n    id: other-db\n')).spec, '2026-01-01T00:00:00.000Z'));
    });
    expect(await migrateSharedIndex(env.store)).toBe(2);
    expect(await migrateSharedIndex(env.store)).toBe(0);
    expect((await env.store.getSpec('#shared-uid:postgres.default#shared-db'))!.spec).toEqual({
      uid: 'postgres.default#shared-db',
      type: 'postgres',
      class: 'default',
      id: 'shared-db',
      store: 'shared-db',
      users: ['web', 'worker'],
    });
    expect((await env.store.getSpec('#shared-uid:postgres.default#other-db'))!.spec).toMatchObject({ store: 'postgres-other-db', users: ['api'] });
    await activate(legacy.id, 'legacy.svc');
    expect((await get('/api/specs/web/resolved')).json().containers.main.variables).toEqual({ DB_HOST: 'legacy.svc' });
    expect((await post(spec('billing'))).json()).toMatchObject({ changes: [], unchanged: ['db'] });
    expect((await get('/api/specs')).json().specs.map((x: { name: string }) => x.name)).toEqual(['api', 'billing', 'web', 'worker']);
  });
});
