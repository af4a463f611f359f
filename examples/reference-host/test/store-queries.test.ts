import { MAX_LIST_LIMIT, runIdFor, type ResourceFilter, type Workflow } from '@innominatus/core';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from '../src/http/server';
import { allResources } from '../src/util/all-resources';
import { USER_TOKEN, fakeServices } from './fake-services';

const user = { authorization: `Bearer ${USER_TOKEN}` };
const WORKFLOW = { apiVersion: 'innominatus.io/v1', kind: 'Workflow', metadata: { name: 'provision' }, steps: [] } as unknown as Workflow;

let env: ReturnType<typeof fakeServices>;
let app: FastifyInstance;
/** Every listResources filter the routes asked the store (or a submission's transaction) for, and how many rows came back. */
let asked: { filter: ResourceFilter; rows: number }[];

beforeEach(async () => {
  env = fakeServices();
  const list = env.store.listResources.bind(env.store);
  asked = [];
  env.store.listResources = async (filter = {}) => {
    const rows = await list(filter);
    asked.push({ filter, rows: rows.length });
    return rows;
  };
  // Submissions read in their transaction.
  env.patchTransactions((tx) => ({
    listResources: async (filter = {}) => {
      const rows = await tx.listResources(filter);
      asked.push({ filter, rows: rows.length });
      return rows;
    },
  }));
  app = createServer(env.services);
  await app.ready();
});
afterEach(() => app.close());

/** A resource of `application` with a create run of the given status (or none). */
async function resource(application: string, name: string, run?: 'running' | 'failed') {
  const r = await env.store.createResource({ application, name, type: 'postgres', properties: {} });
  if (!run) return r;
  const runId = runIdFor(r.id, 'create', 1);
  await env.store.transition(r.id, { from: 'requested', to: 'provisioning', reason: 'x', set: { runId } });
  const at = '2026-01-01T10:00:00.000Z';
  await env.store.createRun({ runId, workflow: WORKFLOW, parameters: {}, context: {}, status: run, attempt: 1, createdAt: at, updatedAt: at });
  return r;
}

const get = async (url: string) => {
  const res = await app.inject({ method: 'GET', url, headers: user });
  expect(res.statusCode).toBe(200);
  return res.json();
};

describe('list endpoints filter and page in the store', () => {
  it('GET /api/workflows reads one page of `limit` resources with a run (and one more), newest first, with the application filter in the store', async () => {
    for (let n = 0; n < 6; n++) await resource(n % 2 ? 'shop' : 'blog', `db-${n}`, 'running');
    await resource('shop', 'idle');
    const body = await get('/api/workflows?application=shop&limit=2');
    expect(body.workflows.map((w: { resource: string }) => w.resource)).toEqual(['db-5', 'db-3']);
    expect(typeof body.next).toBe('string');
    expect(asked).toEqual([{ filter: { application: 'shop', withRun: true, order: 'newest', limit: 3 }, rows: 3 }]);
  });

  it('GET /api/workflows?status= filters the run status in the store: one query per page, however many runs do not match', async () => {
    await resource('shop', 'old-failed', 'failed');
    for (let n = 0; n < 4; n++) await resource('shop', `db-${n}`, 'running');
    await resource('shop', 'new-failed', 'failed');
    const body = await get('/api/workflows?status=failed&limit=2');
    expect(body).toMatchObject({
      workflows: [
        { resource: 'new-failed', status: 'failed' },
        { resource: 'old-failed', status: 'failed' },
      ],
    });
    expect(body.workflows).toHaveLength(2);
    expect(body.next).toBeUndefined();
    expect(asked).toEqual([{ filter: { runStatus: 'failed', withRun: true, order: 'newest', limit: 3 }, rows: 2 }]);
  });

  it('GET /api/workflows pages with `next` across page boundaries: every matching run once, in order, also while resources are created', async () => {
    const made: string[] = [];
    for (let n = 0; n < 7; n++) {
      await resource('shop', `db-${n}`, n % 3 === 0 ? 'failed' : 'running');
      made.push(`db-${n}`);
    }
    const pages: string[][] = [];
    let url = '/api/workflows?status=running&limit=2';
    for (;;) {
      const body = await get(url);
      pages.push(body.workflows.map((w: { resource: string }) => w.resource));
      // Created between pages: newer than the first page, so in none of the later ones.
      await resource('shop', `new-${pages.length}`, 'running');
      if (!body.next) break;
      url = `/api/workflows?status=running&limit=2&cursor=${body.next}`;
    }
    expect(pages).toEqual([
      ['db-5', 'db-4'],
      ['db-2', 'db-1'],
    ]);
    expect(asked.map((a) => a.filter.limit)).toEqual([3, 3]);
    const bad = await app.inject({ method: 'GET', url: '/api/workflows?cursor=nope', headers: user });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('CURSOR_INVALID');
    const status = await app.inject({ method: 'GET', url: '/api/workflows?status=done', headers: user });
    expect(status.statusCode).toBe(400);
    expect(status.json().error.message).toContain('status');
  });

  it('GET /api/graph/:app and GET /api/applications ask the store for the live resources (of the application), not for everything', async () => {
    await resource('shop', 'db');
    await resource('blog', 'db');
    const gone = await resource('shop', 'cache');
    await env.activate(gone.id);
    await env.move(gone.id, 'active', 'terminating', { pendingOperation: 'delete' });
    await env.move(gone.id, 'terminating', 'terminated', { pendingOperation: null });
    const graph = await get('/api/graph/shop');
    expect(graph.nodes.filter((n: { kind: string }) => n.kind === 'resource').map((n: { label: string }) => n.label)).toEqual(['db']);
    expect(asked.map((a) => a.filter)).toEqual([{ application: 'shop', live: true, limit: MAX_LIST_LIMIT }]);
    asked.length = 0;
    const apps = await get('/api/applications');
    expect(apps.applications.map((a: { name: string; resources: { name: string }[] }) => [a.name, a.resources.map((r) => r.name)])).toEqual([
      ['blog', ['db']],
      ['shop', ['db']],
    ]);
    expect(asked.map((a) => a.filter)).toEqual([{ live: true, limit: MAX_LIST_LIMIT }]);
  });

  it('applying a spec asks the store for the live resources of its application only', async () => {
    await resource('blog', 'db');
    const spec = 'apiVersion: score.dev/v1b1\nmetadata:\n  name: shop\ncontainers:\n  main:\n    image: app:1\nresources:\n  db:\n    type: postgres\n';
    const res = await app.inject({ method: 'POST', url: '/api/specs', headers: { ...user, 'content-type': 'application/yaml' }, payload: spec });
    expect(res.statusCode).toBe(202);
    expect(res.json().changes.map((c: { action: string; name: string }) => [c.action, c.name])).toEqual([['create', 'db']]);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((a) => a.filter.application === 'shop' && a.filter.live === true && a.filter.limit === MAX_LIST_LIMIT)).toBe(true);
  });

  it('reads every matching resource page by page with the cursor: nothing is cut off at a page size', async () => {
    for (let n = 0; n < 5; n++) await resource('shop', `db-${n}`);
    await resource('blog', 'other');
    const all = await allResources(env.store, { application: 'shop', live: true }, 2);
    expect(all.map((r) => r.name)).toEqual(['db-0', 'db-1', 'db-2', 'db-3', 'db-4']);
    expect(asked.map((a) => [a.filter.after === undefined ? 'first' : 'after', a.rows])).toEqual([
      ['first', 2],
      ['after', 2],
      ['after', 1],
    ]);
  });
});
