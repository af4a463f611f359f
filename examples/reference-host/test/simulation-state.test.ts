import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMockCluster, zalandoPostgresOperator, type MockCluster } from '@innominatus/steps-kubernetes/testing';
import { keepSimulationState } from '../src/host/simulation-state';

const PG = { apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', name: 'shop-db', namespace: 'shop' };
const SECRET = { apiVersion: 'v1', kind: 'Secret', name: 'shop-app.shop-db.credentials.postgresql.acid.zalan.do', namespace: 'shop' };

const clusters: MockCluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.close();
});

/** A simulated cluster as `--simulate` makes it: the operator attached, then the state restored. */
function simulated(file: string) {
  const cluster = createMockCluster({ namespaces: ['default', 'shop'] });
  clusters.push(cluster);
  const operator = zalandoPostgresOperator(cluster, { pickupDelayMs: 1, createDelayMs: 1 });
  return { cluster, operator, state: keepSimulationState(cluster, file) };
}

describe('the simulated cluster kept across restarts', () => {
  it('restores the objects of the last run, with the same credentials, and the operator takes them up again', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sim-')), 'host.db.cluster.json');
    const first = simulated(file);
    expect(first.state.restored).toBe(0);
    first.cluster.apply({
      ...PG,
      metadata: { name: PG.name, namespace: PG.namespace },
      spec: { teamId: 'shop', numberOfInstances: 1, postgresql: { version: '16' }, volume: { size: '1Gi' }, users: { shop_app: [] } },
    });
    await vi.waitFor(() => expect(first.cluster.get(PG)?.status).toEqual({ PostgresClusterStatus: 'Running' }));
    const password = first.cluster.get(SECRET)!.data;
    first.operator.stop();
    first.state.close();
    expect(JSON.parse(readFileSync(file, 'utf8')).objects.map((o: { kind: string }) => o.kind)).toContain('postgresql');

    // A new process: a fresh cluster, restored from the file.
    const second = simulated(file);
    expect(second.state.restored).toBe(JSON.parse(readFileSync(file, 'utf8')).objects.length);
    expect(second.cluster.get(PG)?.spec).toEqual(first.cluster.get(PG)?.spec);
    expect(second.cluster.get(SECRET)?.data).toEqual(password);
    await vi.waitFor(() => expect(second.cluster.get(PG)?.status).toEqual({ PostgresClusterStatus: 'Running' }));
    expect(second.cluster.get(SECRET)?.data).toEqual(password);
    second.operator.stop();
    second.state.close();
  });
});
