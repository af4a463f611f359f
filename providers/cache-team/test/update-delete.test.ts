import { describe, expect, it } from 'vitest';
import type { MockCluster, MockObject } from '@innominatus/steps-kubernetes/testing';
import { revealAll } from '@innominatus/core';
import { createFakeClock } from '@innominatus/core/testing';
import { BASE, clustersClosedAfterEach, observedOperator, redis, run, runObserved, secretValue } from './harness';

const cluster = clustersClosedAfterEach();

const statefulSet = (c: MockCluster) => c.get({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'sessions-redis', namespace: 'shop' })!;
/** The progress messages of one step. */
const progressOf = (r: { events: Array<{ event: string }> }, step: string) =>
  r.events
    .filter((e) => e.event === 'step:progress' && (e as unknown as { step: string }).step === step)
    .map((e) => (e as unknown as { message: string }).message);
const container = (sts: MockObject) => (sts.spec as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template.spec.containers[0]!;

describe('update-redis', () => {
  it('waits until the operator has rolled the change out to the StatefulSet, keeping the password', async () => {
    const clock = createFakeClock();
    const { cluster: c, operator } = cluster(observedOperator(clock));
    const created = await runObserved(c, clock, 'provision-redis', { ...BASE });
    expect(created.status).toBe('succeeded');
    const generation = statefulSet(c).metadata.generation;

    const r = await runObserved(c, clock, 'update-redis', { ...BASE, size: 'medium', version: '7.0' });
    expect(r.error?.describe()).toBeUndefined();
    // The wait observed the StatefulSet as it was before the change first (the operator takes it up only after that).
    expect(progressOf(r, 'wait-for-redis')[0]).toMatch(
      /^StatefulSet shop\/sessions-redis: \{[^}]*"observedGeneration":1,[^}]*\} \(resourceVersion \d+, not newer than sinceResourceVersion \d+\)$/,
    );
    // When the run ends, the StatefulSet has the new spec and its Pod is ready with it (the old one was ready all along).
    const sts = statefulSet(c);
    expect(container(sts).image).toBe('quay.io/opstree/redis:v7.0.12');
    expect(container(sts).resources).toEqual({ requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1000m', memory: '1Gi' } });
    expect(sts.metadata.generation).toBe(generation! + 1);
    expect(sts.status).toMatchObject({ observedGeneration: generation! + 1, readyReplicas: 1, updatedReplicas: 1 });
    expect(operator.rollouts).toEqual([
      'shop/sessions-redis: quay.io/opstree/redis:v7.2.7 250m 256Mi',
      'shop/sessions-redis: quay.io/opstree/redis:v7.0.12 1000m 1Gi',
    ]);
    expect(revealAll(r.outputs)).toEqual(revealAll(created.outputs));
  });

  it('an unchanged spec finishes without waiting for a rollout that never comes', async () => {
    const { cluster: c, operator } = cluster();
    await run(c, 'provision-redis', { ...BASE, size: 'large' });
    const r = await run(c, 'update-redis', { ...BASE, size: 'large', wait_timeout: '20s' });
    expect(r.status).toBe('succeeded');
    expect(operator.rollouts).toHaveLength(1);
    expect(revealAll(r.outputs).password).toBe(secretValue(c, 'sessions-redis-password', 'password'));
  });

  it('a Redis that does not exist fails in read-redis, naming it', async () => {
    const { cluster: c } = cluster();
    const r = await run(c, 'update-redis', { ...BASE, size: 'medium' });
    expect(r.status).toBe('failed');
    const text = r.error!.describe();
    expect(text).toContain('read-redis');
    expect(text).toContain('Redis shop/sessions-redis');
    expect(redis(c, 'sessions-redis')).toBeUndefined();
    expect(c.list('v1', 'Secret', { namespace: 'shop' })).toEqual([]);
  }, 60_000);
});

describe('delete-redis', () => {
  it('deletes the Redis (the operator deletes its volume claim, the garbage collector its children), then the password Secret', async () => {
    const { cluster: c } = cluster();
    await run(c, 'provision-redis', { ...BASE });
    expect(c.list('v1', 'PersistentVolumeClaim', { namespace: 'shop' })).toHaveLength(1);

    const r = await run(c, 'delete-redis', { ...BASE });
    expect(r.error?.describe()).toBeUndefined();
    expect(r.outputs).toEqual({ redis_name: 'sessions-redis', namespace: 'shop' });
    expect(redis(c, 'sessions-redis')).toBeUndefined();
    expect(c.list('apps/v1', 'StatefulSet', { namespace: 'shop' })).toEqual([]);
    expect(c.list('v1', 'Service', { namespace: 'shop' })).toEqual([]);
    expect(c.list('v1', 'PersistentVolumeClaim', { namespace: 'shop' })).toEqual([]);
    expect(c.list('v1', 'Secret', { namespace: 'shop' })).toEqual([]);
  });

  it('a Redis and Secret that are already gone count as deleted', async () => {
    const { cluster: c } = cluster();
    const r = await run(c, 'delete-redis', { ...BASE });
    expect(r.status).toBe('succeeded');
    expect(r.outputs).toEqual({ redis_name: 'sessions-redis', namespace: 'shop' });
  });

  it('a new provision after a delete gets a new password', async () => {
    const { cluster: c } = cluster();
    const first = await run(c, 'provision-redis', { ...BASE });
    await run(c, 'delete-redis', { ...BASE });
    const again = await run(c, 'provision-redis', { ...BASE });
    expect(again.status).toBe('succeeded');
    expect(revealAll(again.outputs).password).toBe(secretValue(c, 'sessions-redis-password', 'password'));
    expect(revealAll(again.outputs).password).not.toBe(revealAll(first.outputs).password);
  });
});
