import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { isSensitive, reveal, sensitive } from '@innominatus/core';
import { createServer } from '../src/http/server';
import { createWaitingResources } from '../src/waiting-resources';
import { USER_TOKEN, fakeServices } from './fake-services';
import { storedScore } from '../src/score/stored-score';

const headers = { authorization: `Bearer ${USER_TOKEN}`, 'content-type': 'application/yaml' };
const PASSWORD = 'Pq7vX2mL9sK4';

const spec = (resources: string, variables = '      A: b') => `apiVersion: score.dev/v1b1
metadata:
  name: shop
  pgversion: "16"
containers:
  main:
    image: app:1
    variables:
${variables}
resources:
${resources}`;

let env: ReturnType<typeof fakeServices>;
let app: FastifyInstance;
let stopWaiting: () => void;

beforeEach(async () => {
  env = fakeServices();
  stopWaiting = createWaitingResources(env.services);
  app = createServer(env.services);
  await app.ready();
});
afterEach(async () => {
  stopWaiting();
  await app.close();
});

const post = (body: string, query = '') => app.inject({ method: 'POST', url: `/api/specs${query}`, headers, payload: body });

async function activate(id: string, host = 'db.svc') {
  await env.activate(id, {
    outputs: { host, port: 5432, password: sensitive(PASSWORD), connection_string: sensitive('x') },
  });
}

async function created(name: string) {
  return vi.waitFor(async () => {
    const r = await env.store.findResource('shop', name);
    if (!r) throw new Error(`${name} not created yet`);
    return r;
  });
}

describe('a spec that would delete resources', () => {
  it('refuses a rename with 409 naming it, shows the plan in a dry run, and deletes only with ?prune=true', async () => {
    const id = (await post(spec('  db:\n    type: postgres\n'))).json().changes[0].id;
    await activate(id);
    const renamed = spec('  database:\n    type: postgres\n');
    const refused = await post(renamed);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toEqual({
      code: 'SPEC_PRUNE_REQUIRED',
      message:
        "this spec would delete a resource of application 'shop' with its data: 'db' (postgres): no longer in the spec (renamed to 'database'? a renamed resource is a new one; the old one and its data are deleted). Submit again with ?prune=true to confirm, or ?dryRun=true to see the whole plan",
    });

    const plan = await post(renamed, '?dryRun=true');
    expect(plan.statusCode).toBe(200);
    expect(plan.json()).toEqual({
      application: 'shop',
      dryRun: true,
      changes: [
        { action: 'create', name: 'database', type: 'postgres', reason: 'new in the spec' },
        {
          action: 'delete',
          name: 'db',
          type: 'postgres',
          id,
          reason: "no longer in the spec (renamed to 'database'? a renamed resource is a new one; the old one and its data are deleted)",
        },
      ],
      unchanged: [],
      failed: [],
      waiting: [],
      warnings: [],
    });
    // Neither answer changed anything.
    expect((await env.store.listResources()).map((r) => [r.name, r.state, r.pendingOperation])).toEqual([['db', 'active', undefined]]);
    expect(Object.keys((await storedScore(env.services.store, 'shop'))!.spec.resources!)).toEqual(['db']);

    const pruned = await post(renamed, '?prune=true');
    expect(pruned.statusCode).toBe(202);
    expect(pruned.json().changes.map((c: { action: string; name: string }) => `${c.action} ${c.name}`)).toEqual(['create database', 'delete db']);
    expect(Object.keys((await storedScore(env.services.store, 'shop'))!.spec.resources!)).toEqual(['database']);
  });

  it('answers a dry run of a new spec with the plan and stores nothing', async () => {
    const res = await post(spec('  db:\n    type: postgres\n    params:\n      size: small\n'), '?dryRun=true');
    expect(res.json()).toEqual({
      application: 'shop',
      dryRun: true,
      changes: [{ action: 'create', name: 'db', type: 'postgres', reason: 'new in the spec' }],
      unchanged: [],
      failed: [],
      waiting: [],
      warnings: [],
    });
    expect(await env.store.listResources()).toEqual([]);
    expect(await storedScore(env.services.store, 'shop')).toBeUndefined();
    const bad = await post(spec('  db:\n    type: postgres\n'), '?dryRun=maybe');
    expect(bad.statusCode).toBe(400);
  });

  it('treats a changed class as another resource: deleted with ?prune=true, the new one created once the old is gone', async () => {
    const id = (await post(spec('  db:\n    type: postgres\n'))).json().changes[0].id;
    await activate(id);
    const large = spec('  db:\n    type: postgres\n    class: large\n');
    const refused = await post(large);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toEqual({
      code: 'SPEC_PRUNE_REQUIRED',
      message:
        "this spec would delete a resource of application 'shop' with its data: 'db' (postgres): its identity changed from 'postgres.default#shop.db' to 'postgres.large#shop.db': it is another resource, so the old one is deleted, and the new one is created once it is gone. Submit again with ?prune=true to confirm, or ?dryRun=true to see the whole plan",
    });
    expect((await env.store.getResource(id))!.state).toBe('active');
    const pruned = await post(large, '?prune=true');
    expect(pruned.json()).toMatchObject({ changes: [{ action: 'delete', name: 'db', id }], waiting: [{ name: 'db', type: 'postgres', on: ['db'] }] });
    await env.move(id, 'active', 'terminating');
    await env.move(id, 'terminating', 'terminated', { pendingOperation: null });
    const replacement = await created('db');
    expect(replacement.id).not.toBe(id);
    // Submitting the same spec again changes nothing.
    expect((await post(large)).json()).toMatchObject({ changes: [], waiting: [] });
  });
  it('treats a changed type as another resource too, through the same confirmation', async () => {
    const id = (await post(spec('  db:\n    type: postgres\n'))).json().changes[0].id;
    await activate(id);
    const renamedType = spec('  db:\n    type: postgresql\n');
    const plan = await post(renamedType, '?dryRun=true');
    expect(plan.json()).toMatchObject({
      dryRun: true,
      changes: [
        {
          action: 'delete',
          name: 'db',
          id,
          reason:
            "its identity changed from 'postgres.default#shop.db' to 'postgresql.default#shop.db': it is another resource, so the old one is deleted, and the new one is created once it is gone",
        },
      ],
      waiting: [{ name: 'db', type: 'postgresql', on: ['db'] }],
    });
    expect((await post(renamedType)).json().error.code).toBe('SPEC_PRUNE_REQUIRED');
    expect((await post(renamedType, '?prune=true')).statusCode).toBe(202);
    await env.move(id, 'active', 'terminating');
    await env.move(id, 'terminating', 'terminated', { pendingOperation: null });
    const replacement = await created('db');
    expect([replacement.type, replacement.id === id]).toEqual(['postgresql', false]);
  });
});

describe('class and metadata', () => {
  it('hands class and metadata to the request, updates a resource whose metadata changed, and refuses a class no provider serves', async () => {
    const res = await post(spec('  db:\n    type: postgres\n    class: large\n    metadata:\n      annotations:\n        example.com/tier: gold\n'));
    expect(res.statusCode).toBe(202);
    const db = (await env.store.findResource('shop', 'db'))!;
    expect([db.class, db.metadata]).toEqual(['large', { annotations: { 'example.com/tier': 'gold' } }]);
    await activate(db.id);
    const changed = await post(spec('  db:\n    type: postgres\n    class: large\n    metadata:\n      annotations:\n        example.com/tier: silver\n'));
    expect(changed.json()).toMatchObject({
      changes: [{ action: 'update', name: 'db', id: db.id, reason: 'metadata changed', state: 'active' }],
      unchanged: [],
      warnings: [],
    });
    const updated = (await env.store.getResource(db.id))!;
    expect([updated.metadata, updated.pendingOperation, updated.properties]).toEqual([{ annotations: { 'example.com/tier': 'silver' } }, 'update', {}]);
    await env.move(db.id, 'active', 'updating');
    await env.move(db.id, 'updating', 'active', { pendingOperation: null });
    // Removing the metadata clears it; params and metadata changed together are one update.
    const cleared = await post(spec('  db:\n    type: postgres\n    class: large\n    params:\n      size: small\n'));
    expect(cleared.json().changes).toMatchObject([{ action: 'update', name: 'db', reason: 'params changed: size; metadata changed' }]);
    expect((await env.store.getResource(db.id))!.metadata).toBeUndefined();

    const huge = await post(spec('  db:\n    type: postgres\n    class: huge\n'));
    expect(huge.statusCode).toBe(422);
    expect(huge.json().error).toEqual({
      code: 'SCORE_TYPE_UNSERVED',
      message: "no provider serves resource type 'postgres' in class 'huge'",
      issues: [
        { field: 'resources.db.class', line: 13, col: 12, message: "no provider serves class 'huge' of resource type 'postgres'; its classes: default, large" },
      ],
    });
  });
});

describe('params with placeholders', () => {
  it('fills metadata at once, and creates a resource reading another one once that is active', async () => {
    const res = await post(
      spec(
        '  db:\n    type: postgres\n    params:\n      version: ${metadata.pgversion}\n  app:\n    type: postgres\n    params:\n      primary: ${resources.db.host}:${resources.db.port}\n      secret: ${resources.db.password}\n',
      ),
    );
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ changes: [{ action: 'create', name: 'db' }], waiting: [{ name: 'app', type: 'postgres', on: ['db'] }] });
    const db = (await env.store.findResource('shop', 'db'))!;
    expect(db.properties).toEqual({ version: '16' });
    expect(await env.store.findResource('shop', 'app')).toBeUndefined();

    await activate(db.id, 'db-1.svc');
    const dependent = await created('app');
    expect(dependent.properties.primary).toBe('db-1.svc:5432');
    expect(isSensitive(dependent.properties.secret)).toBe(true);
    expect(reveal(dependent.properties.secret)).toBe(PASSWORD);
    expect(env.logs.join('')).not.toContain(PASSWORD);
  });

  it('refuses params that read each other in a cycle, naming it', async () => {
    const res = await post(
      spec('  aa:\n    type: postgres\n    params:\n      x: ${resources.bb.host}\n  bb:\n    type: postgres\n    params:\n      y: ${resources.aa.host}\n'),
    );
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({
      code: 'PLACEHOLDER_CYCLE',
      message: "Score spec's resource params read each other's outputs in a cycle: aa → bb → aa",
    });
    expect(res.json().error.issues).toEqual([
      { field: 'resources.aa.params', line: 14, col: 7, message: "reads outputs of 'bb', which (through aa → bb → aa) reads this resource's outputs: a cycle" },
      { field: 'resources.bb.params', line: 18, col: 7, message: "reads outputs of 'aa', which (through aa → bb → aa) reads this resource's outputs: a cycle" },
    ]);
    expect(await env.store.listResources()).toEqual([]);
  });
});

describe('the innominatus dialect switch', () => {
  const dialect = spec('  db:\n    type: postgres\n    properties:\n      size: small\n', '      A: b').replace('    variables:', '    env:');

  it('reads env: and properties: with a warning each by default', async () => {
    const res = await post(dialect);
    expect(res.statusCode).toBe(202);
    expect(res.json().warnings.map((w: { field: string; line: number }) => [w.field, w.line])).toEqual([
      ['containers.main.env', 9],
      ['resources.db.properties', 14],
    ]);
    expect((await storedScore(env.services.store, 'shop'))!.spec.resources!.db).toEqual({ type: 'postgres', params: { size: 'small' } });
  });

  it('refuses them with score.innominatusDialect false, naming the Score field', async () => {
    env.services.score = { innominatusDialect: false };
    const res = await post(dialect);
    expect(res.statusCode).toBe(422);
    expect(res.json().error.issues).toEqual([
      {
        field: 'containers.main.env',
        line: 9,
        col: 7,
        message: "is innominatus' spelling of 'variables', which this host does not read (score.innominatusDialect is false); write 'variables'",
      },
      {
        field: 'resources.db.properties',
        line: 14,
        col: 7,
        message: "is innominatus' spelling of 'params', which this host does not read (score.innominatusDialect is false); write 'params'",
      },
    ]);
  });
});
