import { expect, it } from 'vitest';
import { reveal } from '@innominatus/core';
import { capturedText, type WorkflowRun } from '@innominatus/provider-sdk/testing';
import type { MockCluster } from '@innominatus/steps-kubernetes/testing';
import { BASE, clustersClosedAfterEach, run } from './harness';

const start = clustersClosedAfterEach();

/** Every password the operator simulator put into a Secret. */
function passwords(cluster: MockCluster): string[] {
  return cluster
    .list('v1', 'Secret', { labelSelector: 'application=spilo' })
    .map((s) => Buffer.from(String((s.data as Record<string, string>).password), 'base64').toString('utf8'));
}

it('no password appears in any event, log line or error of provision, update, delete and failed runs', async () => {
  const runs: WorkflowRun[] = [];
  const seen = new Set<string>();

  const { cluster } = start({ scripts: { 'team-broken-db': { create: 'CreateFailed' }, 'team-stuck-db': { update: 'UpdateFailed' } } });
  runs.push(await run(cluster, 'provision-postgres', { ...BASE }));
  runs.push(await run(cluster, 'provision-postgres', { ...BASE })); // again: reads the same Secret
  runs.push(await run(cluster, 'update-postgres', { ...BASE, size: 'medium', wait_timeout: '20s' }));
  runs.push(await run(cluster, 'provision-postgres', { ...BASE, db_name: 'broken-db' })); // CreateFailed, Secret kept
  runs.push(await run(cluster, 'provision-postgres', { ...BASE, db_name: 'stuck-db' }));
  runs.push(await run(cluster, 'update-postgres', { ...BASE, db_name: 'stuck-db', replicas: 3, wait_timeout: '20s' })); // UpdateFailed
  for (const p of passwords(cluster)) seen.add(p);
  runs.push(await run(cluster, 'delete-postgres', { ...BASE }));

  expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'failed', 'succeeded', 'failed', 'succeeded']);
  // The successful runs did carry the password, so there was something to leak.
  const carried = runs.filter((r) => r.status === 'succeeded' && r.outputs.password).map((r) => String(reveal(r.outputs.password)));
  expect(carried.length).toBe(4);
  for (const p of carried) expect(seen.has(p)).toBe(true);
  expect(seen.size).toBe(12); // 3 clusters x (postgres, standby, owner, app)

  for (const r of runs) {
    const text = capturedText(r);
    expect(r.events.length).toBeGreaterThan(0);
    for (const p of seen) expect(text.includes(p), `a password leaked in run ${r.runId}`).toBe(false);
  }
});
