import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADMIN_TOKEN, ROOT, call, collectEvents, resourceInState, startHost, until, type E2eHost } from './support/e2e-host';

const SPEC = readFileSync(join(ROOT, 'examples/score-postgres-app.yaml'), 'utf8');
const CLUSTER = { apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', name: 'my-app-db', namespace: 'my-app' };
const SECRET = { apiVersion: 'v1', kind: 'Secret', name: 'db-app.my-app-db.credentials.postgresql.acid.zalan.do', namespace: 'my-app' };

describe('the reference host over HTTP: a Score spec through its lifecycle', () => {
  let e2e: E2eHost;
  let events: Awaited<ReturnType<typeof collectEvents>>;
  let id: string;
  let password: string;

  beforeAll(async () => {
    e2e = await startHost();
    events = await collectEvents(e2e.url);
  });
  afterAll(async () => {
    // Closing with the event stream still open: the host must end it, not hang.
    await e2e?.close();
    events?.stop();
  });

  it('submits the example spec and the database becomes active with outputs', async () => {
    const res = await call(e2e.url, 'POST', '/api/specs', { body: SPEC });
    expect(res.status).toBe(202);
    expect(res.json.changes).toEqual([
      { action: 'create', name: 'db', type: 'postgres', reason: 'new in the spec', id: expect.any(String), state: 'requested' },
    ]);
    // The example is written in innominatus' dialect (env:): read as Score's variables, with a warning.
    expect(res.json.warnings).toEqual([
      {
        field: 'containers.main.env',
        line: 12,
        col: 7,
        message: "is innominatus' spelling, not Score: read as 'containers.main.variables'; write 'variables' to be portable to other Score tools",
      },
    ]);
    id = res.json.changes[0].id;
    const r = await resourceInState(e2e.url, id, 'active');
    expect(r.outputs).toEqual({
      database_name: 'db',
      name: 'db',
      database: 'db',
      cluster_name: 'my-app-db',
      namespace: 'my-app',
      host: 'my-app-db.my-app.svc.cluster.local',
      port: 5432,
      // The username is read from the operator's Secret (right under password rotation), declared plain.
      credentials_secret: SECRET.name,
      username: 'db_app',
      password: '***',
      connection_string: '***',
    });
    expect(r.history.map((h: { to: string }) => h.to)).toEqual(['requested', 'provisioning', 'active']);
    expect(r.run.steps.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([
      ['create-postgres-cluster', 'succeeded'],
      ['wait-for-database', 'succeeded'],
      ['get-credentials', 'succeeded'],
    ]);
    const secret = e2e.host.simulation!.cluster.get(SECRET)!;
    password = Buffer.from((secret as unknown as { data: Record<string, string> }).data.password!, 'base64').toString('utf8');
    expect(password).toMatch(/^[a-zA-Z0-9]{64}$/);
  });

  it('resolves the workload placeholders: secret references for users, the value for an admin who asks', async () => {
    const resolved = await call(e2e.url, 'GET', '/api/specs/my-app/resolved');
    expect(resolved.status).toBe(200);
    expect(resolved.json.containers.main.variables).toEqual({ DATABASE_URL: `secret://${id}/connection_string` });
    const revealed = await call(e2e.url, 'GET', '/api/specs/my-app/resolved?reveal=true', { token: ADMIN_TOKEN });
    expect(revealed.json.containers.main.variables.DATABASE_URL).toBe(
      `postgresql://db_app:${password}@my-app-db.my-app.svc.cluster.local:5432/db?sslmode=require`,
    );
  });

  it('updates a changed property: updating, then active, and the cluster object changed', async () => {
    expect((e2e.host.simulation!.cluster.get(CLUSTER) as any).spec.volume.size).toBe('5Gi');
    const changed = SPEC.replace(/    type: postgres\n?$/, '    type: postgres\n    properties:\n      size: medium\n');
    expect(changed).toContain('size: medium');
    const res = await call(e2e.url, 'POST', '/api/specs', { body: changed });
    expect(res.json.changes).toEqual([{ action: 'update', name: 'db', type: 'postgres', reason: 'params changed: size', id, state: 'active' }]);
    await until('the update to finish', async () => {
      const r = await call(e2e.url, 'GET', `/api/resources/${id}`);
      return r.json.history.at(-1).to === 'active' && r.json.history.some((h: { to: string }) => h.to === 'updating') && r.json;
    });
    const history = (await call(e2e.url, 'GET', `/api/resources/${id}`)).json.history.map((h: { to: string }) => h.to);
    expect(history).toEqual(['requested', 'provisioning', 'active', 'updating', 'active']);
    expect((e2e.host.simulation!.cluster.get(CLUSTER) as any).spec.volume.size).toBe('20Gi');
  });

  it('removes the resource: terminating, then terminated, and the cluster object is gone', async () => {
    const withoutDb = 'apiVersion: score.dev/v1b1\nmetadata:\n  name: my-app\ncontainers:\n  main:\n    image: myapp:latest\n';
    const refused = await call(e2e.url, 'POST', '/api/specs', { body: withoutDb });
    expect([refused.status, refused.json.error.code]).toEqual([409, 'SPEC_PRUNE_REQUIRED']);
    const res = await call(e2e.url, 'POST', '/api/specs?prune=true', { body: withoutDb });
    expect(res.json.changes).toEqual([{ action: 'delete', name: 'db', type: 'postgres', reason: 'no longer in the spec', id, state: 'active' }]);
    const r = await resourceInState(e2e.url, id, 'terminated');
    expect(r.history.slice(-2).map((h: { to: string }) => h.to)).toEqual(['terminating', 'terminated']);
    expect(e2e.host.simulation!.cluster.get(CLUSTER)).toBeUndefined();
    // The operator removes the cluster's Secrets after the cluster is gone, as the real one does.
    await vi.waitFor(() => expect(e2e.host.simulation!.cluster.get(SECRET)).toBeUndefined());
  });

  it('never shows the password: not in responses without reveal, log lines or events', async () => {
    expect(password.length).toBe(64);
    const bodies = await Promise.all([
      call(e2e.url, 'GET', '/api/resources'),
      call(e2e.url, 'GET', `/api/resources/${id}`),
      call(e2e.url, 'GET', '/api/specs/my-app'),
      call(e2e.url, 'GET', '/api/resources', { token: ADMIN_TOKEN }),
      call(e2e.url, 'GET', `/api/resources/${id}`, { token: ADMIN_TOKEN }),
      call(e2e.url, 'GET', '/metrics', { token: null }),
    ]);
    for (const b of bodies) expect(b.status).toBe(200);
    for (const b of bodies) expect(b.text).not.toContain(password);
    const logs = e2e.logs.join('');
    expect(logs).toContain('step get-credentials of my-app/db: succeeded');
    expect(logs).not.toContain(password);
    expect(logs).not.toContain(ADMIN_TOKEN);
    const sse = events.text();
    expect(
      events
        .events()
        .filter((e) => e.kind === 'resource')
        .map((e) => e.to),
    ).toEqual(['requested', 'provisioning', 'active', 'updating', 'active', 'terminating', 'terminated']);
    expect(events.events().some((e) => e.kind === 'step' && e.step === 'wait-for-database' && e.status === 'progress')).toBe(true);
    expect(sse).not.toContain(password);
  });

  it('counts runs and step durations in the metrics, counting the queue in the store without loading resources', async () => {
    const store = e2e.host.services.store;
    const list = store.listResources.bind(store);
    let listed = 0;
    store.listResources = (filter) => {
      listed++;
      return list(filter);
    };
    const text = (await call(e2e.url, 'GET', '/metrics', { token: null })).text;
    store.listResources = list;
    expect(listed).toBe(0);
    expect(text).toContain('innominatus_store_up 1');
    expect(text).toContain('innominatus_runs_total{outcome="started"} 3');
    expect(text).toContain('innominatus_runs_total{outcome="succeeded"} 3');
    expect(text).toContain('innominatus_step_duration_seconds_count{type="kubernetes-apply",status="succeeded"} 2');
    expect(text).toContain('innominatus_step_duration_seconds_count{type="kubernetes-delete",status="succeeded"} 1');
    expect(text).toContain('innominatus_detection_latency_seconds_count 3');
    expect(text).toContain('innominatus_queue_depth 0');
  });
});
