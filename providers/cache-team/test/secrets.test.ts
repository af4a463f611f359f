import { expect, it } from 'vitest';
import { reveal } from '@innominatus/core';
import { capturedText, type WorkflowRun } from '@innominatus/provider-sdk/testing';
import { BASE, clustersClosedAfterEach, run, runToTimeout, secretValue } from './harness';

const start = clustersClosedAfterEach();

it('no password appears in any event, log line or error of provision, update, delete and failed runs', async () => {
  const { cluster } = start();
  const runs: WorkflowRun[] = [];
  const seen = new Set<string>();
  const note = (name: string) => {
    const p = secretValue(cluster, name, 'password');
    if (p !== undefined) seen.add(p);
  };

  runs.push(await run(cluster, 'provision-redis', { ...BASE }));
  note('sessions-redis-password');
  runs.push(await run(cluster, 'provision-redis', { ...BASE })); // again: the same Secret, kept
  runs.push(await run(cluster, 'update-redis', { ...BASE, size: 'medium' }));
  // A Pod that cannot start: the Secret lost its key after generate-secret wrote it.
  cluster.events.on('change', (e: { type: string; kind: { kind: string }; object: { metadata: { name: string } } }) => {
    if (e.type === 'ADDED' && e.kind.kind === 'StatefulSet' && e.object.metadata.name === 'broken-redis') {
      note('broken-redis-password');
      queueMicrotask(() =>
        cluster.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'broken-redis-password', namespace: 'shop' }, data: { password: null } }),
      );
    }
  });
  // Its 2s pass on the run's fake clock once the operator reported the Pod's failure and the wait is on.
  const podFailed = () =>
    cluster.list('v1', 'Event', { namespace: 'shop' }).some((e) => e.type === 'Warning' && String(e.message).startsWith('broken-redis-0:'));
  runs.push(
    await runToTimeout(
      cluster,
      'provision-redis',
      { ...BASE, cache_name: 'broken', wait_timeout: '2s' },
      2000,
      (events) => podFailed() && events.some((e) => e.event === 'step:progress' && e.step === 'wait-for-redis'),
    ),
  );
  runs.push(await run(cluster, 'delete-redis', { ...BASE }));

  expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'failed', 'succeeded']);
  expect(seen.size).toBe(2);
  // The successful runs did carry the password, so there was something to leak.
  const carried = runs.filter((r) => r.outputs.password).map((r) => String(reveal(r.outputs.password)));
  expect(carried).toHaveLength(3);
  for (const p of carried) expect(seen.has(p)).toBe(true);

  for (const r of runs) {
    const text = capturedText(r);
    expect(r.events.length).toBeGreaterThan(0);
    for (const p of seen) expect(text.includes(p), `a password leaked in run ${r.runId}`).toBe(false);
  }
});
