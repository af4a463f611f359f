import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, configText, resourceInState, until } from './support/host-api';
import { spawnHost, type HostProcess } from './support/host-process';
import { freshDatabase } from './support/pg-database';

const spec = `apiVersion: score.dev/v1b1
metadata:
  name: cut-app
containers:
  main:
    image: app:1
resources:
  db:
    type: postgres
`;

describe('a host on PostgreSQL when the server cuts its connections (a restart)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let dir: string;
  let host: HostProcess;

  beforeAll(async () => {
    db = await freshDatabase();
    dir = mkdtempSync(join(tmpdir(), 'innominatus-pgcut-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, configText({ store: db.url }));
    host = await spawnHost(file, ['--pace', 'instant'], { INNOMINATUS_ENCRYPTION_KEY: randomBytes(32).toString('hex') });
  }, 60_000);
  afterAll(async () => {
    await host?.stop('SIGKILL');
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps running and serving after every backend of its database is terminated', async () => {
    // Warm the store's pool, and let the resource settle so that no run holds a connection at the cut.
    const submitted = await call(host.url, 'POST', '/api/specs', { body: spec });
    expect(submitted.status).toBe(202);
    await resourceInState(host.url, submitted.json.changes[0].id, 'active', 60_000);
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      // An idle connection of the store's pool (not the LISTEN connection) must be there to be cut.
      await until('an idle pooled connection', async () => {
        expect((await call(host.url, 'GET', '/api/specs/cut-app')).status).toBe(200);
        const { rows } = await admin.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle' AND query NOT ILIKE 'LISTEN%'",
        );
        return rows[0].n > 0 || undefined;
      });
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    } finally {
      await admin.end();
    }
    // The pool's idle connections report the cut; the host logs it and keeps running.
    await until('the cut to be logged', async () => (host.stderr() + host.stdout()).includes('idle PostgreSQL connection failed') || undefined);
    expect(host.child.exitCode).toBeNull();
    expect(host.child.signalCode).toBeNull();
    const specs = await until('the spec list to be served again', async () => {
      const res = await call(host.url, 'GET', '/api/specs');
      return res.status === 200 ? res.json : undefined;
    });
    expect(specs.specs.map((s: { name: string }) => s.name)).toEqual(['cut-app']);
    expect((await call(host.url, 'GET', '/healthz', { token: null })).json).toEqual({ status: 'ok' });
    expect(host.child.exitCode).toBeNull();
  }, 60_000);
});
