import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, call, resourceInState, startHost, type E2eHost } from './support/e2e-host';

/** A workload written as the Score samples write a postgres one: Score fields only, the Score output names. */
const SPEC = `apiVersion: score.dev/v1b1
metadata:
  name: score-app
  pgversion: "16"
  annotations:
    example.com/team: blue
containers:
  app:
    image: ghcr.io/example/app:1
    args: ["--listen", "\${PORT}"]
    variables:
      PGHOST: \${resources.db.host}
      PGPORT: \${resources.db.port}
      PGDATABASE: \${resources.db.database}
      PGNAME: \${resources.db.name}
      PGUSER: \${resources.db.username}
      PGPASSWORD: \${resources.db.password}
    files:
      /etc/app/db.conf:
        content: "dbname=\${resources.db.name} team=\${metadata.annotations.example\\\\.com/team}"
    livenessProbe:
      httpGet: { port: 8080, path: /healthz }
service:
  ports:
    www: { port: 80, targetPort: 8080 }
resources:
  db:
    type: postgres
    params:
      version: \${metadata.pgversion}
`;

const CLUSTER = { apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', name: 'score-app-db', namespace: 'score-app' };

describe('the reference host over HTTP: an official-style Score postgres workload, unchanged', () => {
  let e2e: E2eHost;
  beforeAll(async () => {
    e2e = await startHost();
  });
  afterAll(() => e2e?.close());

  it('is accepted without warnings, goes to active, and resolves with the Score output names', async () => {
    const res = await call(e2e.url, 'POST', '/api/specs', { body: SPEC });
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ changes: [{ action: 'create', name: 'db', type: 'postgres', reason: 'new in the spec' }], warnings: [], waiting: [] });
    const id = res.json.changes[0].id;
    const r = await resourceInState(e2e.url, id, 'active');
    expect(r.properties).toEqual({ version: '16' });
    expect((e2e.host.simulation!.cluster.get(CLUSTER) as any).spec.postgresql.version).toBe('16');

    const resolved = await call(e2e.url, 'GET', '/api/specs/score-app/resolved');
    expect(resolved.status).toBe(200);
    expect(resolved.json.containers.app).toEqual({
      image: 'ghcr.io/example/app:1',
      args: ['--listen', '${PORT}'],
      variables: {
        PGHOST: 'score-app-db.score-app.svc.cluster.local',
        PGPORT: '5432',
        PGDATABASE: 'db',
        PGNAME: 'db',
        // read from the credentials Secret (right under password rotation), declared not secret by the provider
        PGUSER: 'db_app',
        PGPASSWORD: `secret://${id}/password`,
      },
      files: { '/etc/app/db.conf': { content: 'dbname=db team=blue' } },
      livenessProbe: { httpGet: { port: 8080, path: '/healthz' } },
    });
    expect(resolved.json.resources).toEqual({ db: { type: 'postgres', params: { version: '16' } } });
    const revealed = await call(e2e.url, 'GET', '/api/specs/score-app/resolved?reveal=true', { token: ADMIN_TOKEN });
    expect(revealed.json.containers.app.variables.PGPASSWORD).toMatch(/^[a-zA-Z0-9]{64}$/);
    expect(revealed.json.containers.app.variables.PGUSER).toBe('db_app');
  });
});
