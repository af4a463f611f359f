import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeClusters, createMockCluster, zalandoPostgresOperator, type MockCluster } from '@innominatus/steps-kubernetes/testing';
import { HostError } from '../src/errors';
import { keepSimulationState } from '../src/host/simulation-state';

const PG = { apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', name: 'shop-db', namespace: 'shop' };
const SECRET = { apiVersion: 'v1', kind: 'Secret', name: 'shop-app.shop-db.credentials.postgresql.acid.zalan.do', namespace: 'shop' };

const clusters: MockCluster[] = [];
afterEach(() => closeClusters(clusters.splice(0)));

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
    // Nothing was there at start: the snapshot is empty and every change is in the journal, each object's last state once.
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ objects: [] });
    const journal = lines(`${file}.journal`);
    expect(journal.map((l) => l.put?.kind).filter((k) => k === 'postgresql').length).toBeGreaterThanOrEqual(1);
    const saved = new Set(journal.map((l) => key(l.put ?? l.del!)));

    // A new process: a fresh cluster, restored from the snapshot and the journal, which are folded into one snapshot.
    const second = simulated(file);
    expect(second.state.restored).toBe(saved.size);
    expect(JSON.parse(readFileSync(file, 'utf8')).objects.map(key).sort()).toEqual([...saved].sort());
    expect(readFileSync(`${file}.journal`, 'utf8')).toBe('');
    expect(second.cluster.get(PG)?.spec).toEqual(first.cluster.get(PG)?.spec);
    expect(second.cluster.get(SECRET)?.data).toEqual(password);
    await vi.waitFor(() => expect(second.cluster.get(PG)?.status).toEqual({ PostgresClusterStatus: 'Running' }));
    expect(second.cluster.get(SECRET)?.data).toEqual(password);
    second.operator.stop();
    second.state.close();
  });

  it('appends only what changed, applies deletions on restore, and stands on the lines before a partial last one', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sim-')), 'host.db.cluster.json');
    const first = simulated(file);
    for (const name of ['a', 'b', 'c']) first.cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'shop' }, data: { v: '1' } });
    first.state.close();
    const second = simulated(file);
    expect(second.state.restored).toBe(3);
    second.cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'shop' }, data: { v: '2' } });
    second.cluster.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'c', namespace: 'shop' });
    second.state.close();
    // One line per changed object, not the whole cluster again.
    expect(lines(`${file}.journal`).map((l) => (l.put ? `put ${l.put.metadata.name} ${l.put.data?.v}` : `del ${l.del!.name}`))).toEqual(['put b 2', 'del c']);
    // A process killed while appending leaves a partial line.
    appendFileSync(`${file}.journal`, '{"put":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"na');
    const third = simulated(file);
    expect(third.state.restored).toBe(2);
    expect(third.cluster.list('v1', 'ConfigMap', { namespace: 'shop' }).map((o) => [o.metadata.name, o.data])).toEqual([
      ['a', { v: '1' }],
      ['b', { v: '2' }],
    ]);
    third.state.close();
  });

  it('refuses a journal broken before its last line with a coded error naming the file and the line', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sim-')), 'host.db.cluster.json');
    writeFileSync(`${file}.journal`, '{"put": {bad\n{"del":{"apiVersion":"v1","kind":"ConfigMap","name":"a"}}\n');
    const cluster = createMockCluster({ namespaces: ['default'] });
    clusters.push(cluster);
    let thrown: unknown;
    try {
      keepSimulationState(cluster, file);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(HostError);
    expect((thrown as HostError).code).toBe('SIMULATION_STATE_INVALID');
    // The parser's own words after the colon vary between Node.js versions.
    const message = (thrown as HostError).message;
    expect(message.slice(0, message.indexOf(': ') + 2)).toBe(`cannot read the simulated cluster's journal ${file}.journal, line 1: `);
    expect(message).toContain("Expected property name or '}' in JSON at position 9");
  });
});

type Line = {
  put?: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; data?: Record<string, string> };
  del?: { apiVersion: string; kind: string; name: string; namespace?: string };
};

function lines(file: string): Line[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);
}

function key(o: { apiVersion: string; kind: string; name?: string; namespace?: string; metadata?: { name: string; namespace?: string } }): string {
  return `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? o.namespace ?? ''}/${o.metadata?.name ?? o.name}`;
}
