import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { runIdFor, sensitive, type Workflow } from '@innominatus/core';
import { createServer } from '../src/http/server';
import { ADMIN_TOKEN, USER_TOKEN, fakeServices } from './fake-services';

const SPEC = `apiVersion: score.dev/v1b1
metadata:
  name: my-app
containers:
  main:
    image: myapp:latest
resources:
  db:
    type: postgres
    properties:
      size: small
`;
const user = { authorization: `Bearer ${USER_TOKEN}` };

const WORKFLOW: Workflow = {
  apiVersion: 'innominatus.io/v1',
  kind: 'Workflow',
  metadata: { name: 'provision-postgres' },
  steps: [
    { name: 'create-cluster', type: 'kubernetes-apply' },
    { name: 'wait-for-database', type: 'wait-for-condition' },
    { name: 'get-credentials', type: 'read-secret' },
  ],
} as Workflow;

let env: ReturnType<typeof fakeServices>;
let app: FastifyInstance;

beforeEach(async () => {
  env = fakeServices();
  app = createServer(env.services);
  await app.ready();
});
afterEach(() => app.close());

async function submit(body = SPEC) {
  const res = await app.inject({ method: 'POST', url: '/api/specs', headers: { ...user, 'content-type': 'application/yaml' }, payload: body });
  expect(res.statusCode).toBe(202);
  return res.json().changes[0].id as string;
}

/** A create run of the resource with its first step succeeded and its second running (or failed). */
async function startRun(id: string, second: 'running' | 'failed' = 'running') {
  const runId = runIdFor(id, 'create', 1);
  await env.move(id, 'requested', 'provisioning', { runId });
  await env.store.createRun({
    runId,
    workflow: WORKFLOW,
    parameters: {},
    context: {},
    status: second === 'failed' ? 'failed' : 'running',
    attempt: 1,
    createdAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:00:03.000Z',
  });
  await env.store.putStep({
    runId,
    index: 0,
    name: 'create-cluster',
    type: 'kubernetes-apply',
    status: 'succeeded',
    attempt: 1,
    startedAt: '2026-01-01T10:00:00.000Z',
    endedAt: '2026-01-01T10:00:01.250Z',
  });
  await env.store.putStep({
    runId,
    index: 1,
    name: 'wait-for-database',
    type: 'wait-for-condition',
    status: second === 'failed' ? 'failed' : 'started',
    attempt: 2,
    startedAt: '2026-01-01T10:00:01.300Z',
    ...(second === 'failed' ? { endedAt: '2026-01-01T10:00:03.000Z', error: { code: 'K8S_CONDITION_FAILED', message: 'observed status: CreateFailed' } } : {}),
  });
  return runId;
}

describe('GET /api/applications', () => {
  it('lists Score applications with their resources and a count per state', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/applications', headers: user })).json()).toEqual({ applications: [] });
    const id = await submit();
    await env.move(id, 'requested', 'provisioning');
    const res = await app.inject({ method: 'GET', url: '/api/applications', headers: user });
    const [entry] = res.json().applications;
    expect(entry).toEqual({
      name: 'my-app',
      submittedAt: entry.submittedAt,
      resources: [{ id, name: 'db', type: 'postgres', state: 'provisioning' }],
      states: { provisioning: 1 },
    });
    expect(Number.isNaN(Date.parse(entry.submittedAt))).toBe(false);
    expect((await app.inject({ method: 'GET', url: '/api/applications' })).statusCode).toBe(401);
  });
});

describe('GET /api/workflows', () => {
  it('lists current runs with steps, durations and progress messages, and shows one by id', async () => {
    const id = await submit();
    const runId = await startRun(id);
    env.hub.publish({
      kind: 'step',
      runId,
      resourceId: id,
      step: 'wait-for-database',
      stepType: 'wait-for-condition',
      status: 'progress',
      message: 'PostgresClusterStatus: Creating',
      at: '2026-01-01T10:00:02.000Z',
    });
    const list = await app.inject({ method: 'GET', url: '/api/workflows?application=my-app', headers: user });
    expect(list.statusCode).toBe(200);
    const run = {
      id: runId,
      resourceId: id,
      application: 'my-app',
      resource: 'db',
      type: 'postgres',
      operation: 'create',
      generation: 1,
      workflow: 'provision-postgres',
      status: 'running',
      attempt: 1,
      createdAt: '2026-01-01T10:00:00.000Z',
      updatedAt: '2026-01-01T10:00:03.000Z',
      steps: [
        {
          index: 0,
          name: 'create-cluster',
          type: 'kubernetes-apply',
          status: 'succeeded',
          attempt: 1,
          startedAt: '2026-01-01T10:00:00.000Z',
          endedAt: '2026-01-01T10:00:01.250Z',
          durationMs: 1250,
          progress: [],
        },
        {
          index: 1,
          name: 'wait-for-database',
          type: 'wait-for-condition',
          status: 'started',
          attempt: 2,
          startedAt: '2026-01-01T10:00:01.300Z',
          progress: [{ at: '2026-01-01T10:00:02.000Z', message: 'PostgresClusterStatus: Creating' }],
        },
      ],
    };
    expect(list.json()).toEqual({ workflows: [run] });
    expect((await app.inject({ method: 'GET', url: '/api/workflows?status=failed', headers: user })).json()).toEqual({ workflows: [] });
    const one = await app.inject({ method: 'GET', url: `/api/workflows/${runId}`, headers: user });
    expect(one.json()).toEqual(run);
    expect((await app.inject({ method: 'GET', url: `/api/resources/${id}/runs`, headers: user })).json()).toEqual({ workflows: [run] });
  });

  it('answers 404 for an unknown run and 400 for an id the orchestrator never makes', async () => {
    const missing = await app.inject({ method: 'GET', url: '/api/workflows/abc:create:1', headers: user });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'RUN_NOT_FOUND', message: "no workflow run with id 'abc:create:1'" } });
    const bad = await app.inject({ method: 'GET', url: '/api/workflows/abc', headers: user });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0].field).toBe('params.id');
  });
});

describe('GET /api/graph/:app', () => {
  it('gives application → resource → provider → workflow → steps as JSON, Mermaid and DOT', async () => {
    // Both applications declare the shared resource 'shared-db': one resource, created by the first, linked by the second.
    const shared = SPEC.replace('    type: postgres\n', '    type: postgres\n    id: shared-db\n');
    const id = await submit(shared);
    await startRun(id, 'failed');
    const linked = await app.inject({
      method: 'POST',
      url: '/api/specs',
      headers: { ...user, 'content-type': 'application/yaml' },
      payload: shared.replace('name: my-app', 'name: other-app'),
    });
    expect(linked.json()).toMatchObject({ changes: [], unchanged: ['db'] });
    const res = await app.inject({ method: 'GET', url: '/api/graph/my-app', headers: user });
    expect(res.json()).toEqual({
      application: 'my-app',
      nodes: [
        { id: 'application:my-app', kind: 'application', label: 'my-app' },
        { id: `resource:${id}`, kind: 'resource', label: 'postgres-shared-db', state: 'provisioning', detail: 'postgres' },
        { id: 'provider:database-team', kind: 'provider', label: 'database-team' },
        { id: `workflow:${id}`, kind: 'workflow', label: 'provision-postgres (postgres-shared-db)', state: 'failed', detail: 'create' },
        { id: `step:${id}:0`, kind: 'step', label: 'create-cluster', detail: 'kubernetes-apply', state: 'succeeded' },
        { id: `step:${id}:1`, kind: 'step', label: 'wait-for-database', detail: 'wait-for-condition', state: 'failed' },
        { id: `step:${id}:2`, kind: 'step', label: 'get-credentials', detail: 'read-secret', state: 'pending' },
        { id: 'application:other-app', kind: 'application', label: 'other-app' },
      ],
      edges: [
        { from: 'application:my-app', to: `resource:${id}`, kind: 'has' },
        { from: `resource:${id}`, to: 'provider:database-team', kind: 'served-by' },
        { from: 'provider:database-team', to: `workflow:${id}`, kind: 'runs' },
        { from: `workflow:${id}`, to: `step:${id}:0`, kind: 'step' },
        { from: `step:${id}:0`, to: `step:${id}:1`, kind: 'next' },
        { from: `step:${id}:1`, to: `step:${id}:2`, kind: 'next' },
        { from: 'application:other-app', to: `resource:${id}`, kind: 'shares' },
      ],
    });
    const mermaid = await app.inject({ method: 'GET', url: '/api/graph/my-app?format=mermaid', headers: user });
    expect(mermaid.headers['content-type']).toBe('text/vnd.mermaid; charset=utf-8');
    expect(mermaid.body.split('\n').slice(0, 10)).toEqual([
      'flowchart LR',
      '  n0(["my-app"])',
      '  n1[("postgres-shared-db · postgres · provisioning")]',
      '  n2{{"database-team"}}',
      '  n3["provision-postgres (postgres-shared-db) · create · failed"]',
      '  n4("create-cluster · kubernetes-apply · succeeded")',
      '  n5("wait-for-database · wait-for-condition · failed")',
      '  n6("get-credentials · read-secret · pending")',
      '  n7(["other-app"])',
      '  n0 -->|has| n1',
    ]);
    expect(mermaid.body).toContain('  class n5 bad\n');
    const dot = await app.inject({ method: 'GET', url: '/api/graph/my-app?format=dot', headers: user });
    expect(dot.headers['content-type']).toBe('text/vnd.graphviz; charset=utf-8');
    expect(dot.body).toContain(`  "step:${id}:1" [label="wait-for-database\\nwait-for-condition\\nfailed", shape=box, style=rounded, color="#cf222e"];\n`);
    expect(dot.body).toContain(`  "application:other-app" -> "resource:${id}" [label="shares"];\n`);
    expect(dot.body.startsWith('digraph "my-app" {\n  rankdir=LR;\n')).toBe(true);
  });

  it('shows the create workflow a resource will run before it has a run, and 404 for an unknown application', async () => {
    const id = await submit();
    const graph = (await app.inject({ method: 'GET', url: '/api/graph/my-app', headers: user })).json();
    expect(graph.nodes.find((n: { id: string }) => n.id === `workflow:${id}`)).toEqual({
      id: `workflow:${id}`,
      kind: 'workflow',
      label: 'provision (db)',
      state: 'pending',
      detail: 'create',
    });
    const missing = await app.inject({ method: 'GET', url: '/api/graph/nope', headers: user });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'APPLICATION_NOT_FOUND', message: "no application named 'nope'" } });
    const format = await app.inject({ method: 'GET', url: '/api/graph/my-app?format=png', headers: user });
    expect(format.json().error.issues).toEqual([{ field: 'query.format', message: 'must be one of json, mermaid, dot' }]);
  });

  it('escapes quotes and brackets of labels in Mermaid and DOT', async () => {
    const { renderMermaid } = await import('../src/graph/render-mermaid');
    const { renderDot } = await import('../src/graph/render-dot');
    const graph = { application: 'a"b', nodes: [{ id: 'x', kind: 'step' as const, label: 'say "hi" <b>#1\\' }], edges: [] };
    expect(renderMermaid(graph).split('\n')[1]).toBe('  n0("say #34;hi#34; #60;b#62;#35;1\\")');
    expect(renderDot(graph).split('\n')[0]).toBe('digraph "a\\"b" {');
    expect(renderDot(graph)).toContain('  "x" [label="say \\"hi\\" <b>#1\\\\", shape=box, style=rounded];');
  });
});

describe('GET /ready', () => {
  it('is 200 when the store and every probe answer, 503 naming the one that does not, without detail', async () => {
    expect((await app.inject({ method: 'GET', url: '/ready' })).json()).toEqual({ status: 'ready', checks: { store: 'ok' } });
    await app.close();
    env = fakeServices();
    env.services.readiness = [
      {
        name: 'kubernetes',
        check: async () => {
          throw new Error('connect ECONNREFUSED 10.0.0.1:6443');
        },
      },
    ];
    app = createServer(env.services);
    const res = await app.inject({ method: 'GET', url: '/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'unavailable', checks: { store: 'ok', kubernetes: 'unavailable' } });
    expect(res.body).not.toContain('ECONNREFUSED');
    expect(env.logs.join('')).toContain('readiness: kubernetes did not answer');
  });
});

describe('signing in, revealing outputs, and the delete plan', () => {
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const PASSWORD = 'Zs8dGq2LkP0aW4xYv7bN';

  it('names the token and its role', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/whoami', headers: user })).json()).toEqual({ name: 'dev', role: 'user' });
    expect((await app.inject({ method: 'GET', url: '/api/whoami', headers: admin })).json()).toEqual({ name: 'admin', role: 'admin' });
    expect((await app.inject({ method: 'GET', url: '/api/whoami' })).statusCode).toBe(401);
  });

  it('shows outputs redacted, reveals them to an admin only, and logs the reveal without the value', async () => {
    const id = await submit();
    await env.activate(id, { outputs: { host: 'h', password: sensitive(PASSWORD) } });
    const redacted = await app.inject({ method: 'GET', url: `/api/resources/${id}/outputs`, headers: admin });
    expect(redacted.json()).toEqual({ outputs: { host: 'h', password: '***' } });
    const refused = await app.inject({ method: 'GET', url: `/api/resources/${id}/outputs?reveal=true`, headers: user });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain(PASSWORD);
    const revealed = await app.inject({ method: 'GET', url: `/api/resources/${id}/outputs?reveal=true`, headers: admin });
    expect(revealed.json()).toEqual({ outputs: { host: 'h', password: PASSWORD } });
    expect(revealed.headers['cache-control']).toBe('no-store');
    const logs = env.logs.join('');
    expect(logs).toContain('"msg":"sensitive outputs revealed"');
    expect(logs).toContain('"principal":"admin"');
    expect(logs).not.toContain(PASSWORD);
  });

  it('answers the delete plan with dryRun=true and changes nothing', async () => {
    const id = await submit();
    await env.activate(id);
    const plan = await app.inject({ method: 'DELETE', url: '/api/specs/my-app?dryRun=true', headers: user });
    expect(plan.statusCode).toBe(200);
    expect(plan.json()).toEqual({
      application: 'my-app',
      dryRun: true,
      changes: [{ action: 'delete', name: 'db', type: 'postgres', reason: 'the spec was deleted', id, state: 'active' }],
      unchanged: [],
      failed: [],
      waiting: [],
      warnings: [],
    });
    expect(await env.store.getResource(id)).toMatchObject({ state: 'active' });
    expect((await env.store.getResource(id))!.pendingOperation).toBeUndefined();
    expect((await app.inject({ method: 'GET', url: '/api/specs/my-app', headers: user })).statusCode).toBe(200);
  });
});

describe('the web UI', () => {
  it('is served at / from this origin with a same-origin content security policy', async () => {
    const { UI_DIST } = await import('../src/http/ui');
    const { existsSync } = await import('node:fs');
    expect(existsSync(`${UI_DIST}index.html`)).toBe(true);
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'; script-src 'self'");
    expect(page.body).toContain('<script type="module" src="app.js"></script>');
    expect(page.body).not.toMatch(/https?:\/\//);
    const script = await app.inject({ method: 'GET', url: '/app.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('application/javascript; charset=utf-8');
  });
});
