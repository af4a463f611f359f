import { describe, expect, it } from 'vitest';
import { revealAll } from '@innominatus/core';
import { BASE, clustersClosedAfterEach, postgresql, run, secretValue } from './harness';

const start = clustersClosedAfterEach();

const SECRET = 'myapp-db-app.team-myapp-db.credentials.postgresql.acid.zalan.do';
const REF = { apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', name: 'team-myapp-db', namespace: 'production' };

describe('credentials under password rotation', () => {
  it('outputs the username the Secret holds (<role><YYMMDD>), in the connection string too', async () => {
    const { cluster } = start({ passwordRotation: { now: () => new Date('2026-12-01T00:00:00Z') } });
    const r = await run(cluster, 'provision-postgres', { ...BASE });
    expect(r.error?.describe()).toBeUndefined();
    expect(secretValue(cluster, SECRET, 'username')).toBe('myapp_db_app261201');
    const out = revealAll(r.outputs);
    const password = secretValue(cluster, SECRET, 'password');
    expect(out.username).toBe('myapp_db_app261201');
    expect(out.connection_string).toBe(`postgresql://myapp_db_app261201:${password}@team-myapp-db.production.svc.cluster.local:5432/myapp_db?sslmode=require`);
    const updated = await run(cluster, 'update-postgres', { ...BASE, size: 'medium', wait_timeout: '20s' });
    expect(revealAll(updated.outputs).username).toBe('myapp_db_app261201');
  });
});

describe('update-postgres and field ownership (server-side apply)', () => {
  it('removes a field an earlier apply of the provider set and this one no longer applies, and keeps what another manager set', async () => {
    const { cluster } = start();
    await run(cluster, 'provision-postgres', { ...BASE });
    const kind = cluster.store.requireKind(REF.apiVersion, REF.kind);
    const stored = postgresql(cluster, 'team-myapp-db')!;
    const { managedFields: _mf, ...metadata } = stored.metadata;
    // An older version of the provider (same field manager) also applied enableLogicalBackup.
    cluster.store.apply(kind, { ...stored, metadata, status: undefined, spec: { ...(stored.spec as object), enableLogicalBackup: true } } as never, {
      fieldManager: 'innominatus',
      force: true,
    });
    // Someone else (kubectl edit) set enableShmVolume.
    cluster.store.patch(kind, REF.namespace, REF.name, 'merge', { spec: { enableShmVolume: true } }, { fieldManager: 'kubectl-edit' });
    expect(postgresql(cluster, 'team-myapp-db')!.spec).toMatchObject({ enableLogicalBackup: true, enableShmVolume: true });

    const r = await run(cluster, 'update-postgres', { ...BASE, size: 'medium', wait_timeout: '20s' });
    expect(r.error?.describe()).toBeUndefined();
    const spec = postgresql(cluster, 'team-myapp-db')!.spec as Record<string, unknown>;
    expect(spec.enableLogicalBackup).toBeUndefined();
    expect(spec.enableShmVolume).toBe(true);
    expect(spec.volume).toEqual({ size: '20Gi' });
    const managers = (postgresql(cluster, 'team-myapp-db')!.metadata.managedFields as Array<{ manager: string; operation: string }>).map(
      (m) => `${m.manager}/${m.operation}`,
    );
    expect(managers).toEqual(expect.arrayContaining(['innominatus/Apply', 'kubectl-edit/Update']));
  });
});
