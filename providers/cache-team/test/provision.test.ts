import { describe, expect, it } from 'vitest';
import { REDIS_FINALIZER, type MockCluster } from '@innominatus/steps-kubernetes/testing';
import { revealAll } from '@innominatus/core';
import { BASE, clustersClosedAfterEach, redis, run, runToTimeout, secretValue } from './harness';

const cluster = clustersClosedAfterEach();

const SIZES = {
  small: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '250m', memory: '256Mi' }, storage: '1Gi' },
  medium: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1000m', memory: '1Gi' }, storage: '5Gi' },
  large: { requests: { cpu: '1000m', memory: '2Gi' }, limits: { cpu: '2000m', memory: '4Gi' }, storage: '20Gi' },
} as const;

describe('provision-redis', () => {
  it('generates a password into a Secret, applies the Redis, waits for its StatefulSet and returns the connection details', async () => {
    const { cluster: c, operator } = cluster();
    const r = await run(c, 'provision-redis', { ...BASE });
    expect(r.error?.describe()).toBeUndefined();
    expect(r.status).toBe('succeeded');

    const password = secretValue(c, 'sessions-redis-password', 'password')!;
    expect(password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(revealAll(r.outputs)).toEqual({
      redis_name: 'sessions-redis',
      namespace: 'shop',
      host: 'sessions-redis.shop.svc.cluster.local',
      port: 6379,
      password_secret: 'sessions-redis-password',
      password,
      connection_string: `redis://:${password}@sessions-redis.shop.svc.cluster.local:6379`,
    });
    const secret = c.get({ apiVersion: 'v1', kind: 'Secret', name: 'sessions-redis-password', namespace: 'shop' })!;
    expect(secret.type).toBe('Opaque');
    expect(secret.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'innominatus', 'innominatus.io/provider': 'cache-team' });

    const object = redis(c, 'sessions-redis')!;
    expect(object.metadata.finalizers).toEqual([REDIS_FINALIZER]);
    expect(object.spec).toEqual({
      kubernetesConfig: {
        image: 'quay.io/opstree/redis:v7.2.7',
        imagePullPolicy: 'IfNotPresent',
        redisSecret: { name: 'sessions-redis-password', key: 'password' },
        resources: { requests: SIZES.small.requests, limits: SIZES.small.limits },
      },
      storage: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } },
      podSecurityContext: { runAsUser: 1000, fsGroup: 1000 },
    });
    const sts = c.get({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'sessions-redis', namespace: 'shop' })!;
    const container = (sts.spec as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template.spec.containers[0]!;
    expect(container.env).toEqual([{ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'sessions-redis-password', key: 'password' } } }]);
    expect(sts.status).toMatchObject({ readyReplicas: 1, updatedReplicas: 1, observedGeneration: sts.metadata.generation });
    expect(
      c
        .list('v1', 'Service', { namespace: 'shop' })
        .map((s) => s.metadata.name)
        .sort(),
    ).toEqual(['sessions-redis', 'sessions-redis-additional', 'sessions-redis-headless']);
    expect(c.list('v1', 'PersistentVolumeClaim', { namespace: 'shop' }).map((p) => p.metadata.name)).toEqual(['sessions-redis-sessions-redis-0']);
    expect(operator.rollouts).toEqual(['shop/sessions-redis: quay.io/opstree/redis:v7.2.7 250m 256Mi']);
  });

  it.each(Object.entries(SIZES))('size %s applies its requests, limits and storage', async (size, figures) => {
    const { cluster: c } = cluster();
    const r = await run(c, 'provision-redis', { ...BASE, size, version: '7.0' });
    expect(r.status).toBe('succeeded');
    const spec = redis(c, 'sessions-redis')!.spec as {
      kubernetesConfig: { image: string; resources: unknown };
      storage: { volumeClaimTemplate: { spec: { resources: unknown } } };
    };
    expect(spec.kubernetesConfig.image).toBe('quay.io/opstree/redis:v7.0.12');
    expect(spec.kubernetesConfig.resources).toEqual({ requests: figures.requests, limits: figures.limits });
    expect(spec.storage.volumeClaimTemplate.spec.resources).toEqual({ requests: { storage: figures.storage } });
  });

  it('running it again keeps the password: the Secret is not written again', async () => {
    const { cluster: c } = cluster();
    const first = await run(c, 'provision-redis', { ...BASE });
    const before = c.get({ apiVersion: 'v1', kind: 'Secret', name: 'sessions-redis-password', namespace: 'shop' })!;
    const second = await run(c, 'provision-redis', { ...BASE });
    expect([first.status, second.status]).toEqual(['succeeded', 'succeeded']);
    const after = c.get({ apiVersion: 'v1', kind: 'Secret', name: 'sessions-redis-password', namespace: 'shop' })!;
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(revealAll(second.outputs).password).toBe(revealAll(first.outputs).password);
    expect(revealAll(second.outputs).password).toBe(secretValue(c, 'sessions-redis-password', 'password'));
  });

  it('keeps a password Secret that exists before the first run', async () => {
    const { cluster: c } = cluster();
    c.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sessions-redis-password', namespace: 'shop' },
      data: { password: Buffer.from('chosen-by-hand', 'utf8').toString('base64') },
    });
    const r = await run(c, 'provision-redis', { ...BASE });
    expect(r.status).toBe('succeeded');
    expect(revealAll(r.outputs).password).toBe('chosen-by-hand');
    expect(revealAll(r.outputs).connection_string).toBe('redis://:chosen-by-hand@sessions-redis.shop.svc.cluster.local:6379');
  });

  it('a Pod that cannot start (its password key is missing) fails the wait at its timeout, quoting the StatefulSet', async () => {
    const { cluster: c } = cluster();
    // The Secret exists with another key: generate-secret adds `password`; remove it again before the operator starts the Pod.
    c.events.on('change', (e: { type: string; kind: { kind: string }; object: { metadata: { name: string } } }) => {
      if (e.type === 'ADDED' && e.kind.kind === 'StatefulSet' && e.object.metadata.name === 'sessions-redis') {
        queueMicrotask(() =>
          c.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sessions-redis-password', namespace: 'shop' }, data: { password: null } }),
        );
      }
    });
    const warnings = () => c.list('v1', 'Event', { namespace: 'shop' }).filter((e) => e.type === 'Warning');
    // The 2s pass on the run's fake clock once the operator reported the Pod's failure and the wait is on.
    const r = await runToTimeout(
      c,
      'provision-redis',
      { ...BASE, wait_timeout: '2s' },
      2000,
      (events) => warnings().length > 0 && events.some((e) => e.event === 'step:progress' && e.step === 'wait-for-redis'),
    );
    expect(r.status).toBe('failed');
    expect(r.error!.code).toBe('STEP_FAILED');
    const text = r.error!.describe();
    expect(text).toContain('wait-for-redis');
    expect(text).toContain('StatefulSet shop/sessions-redis');
    expect(text).toContain('timed out after 2s');
    expect(warnings().map((e) => e.message)).toEqual(["sessions-redis-0: Error: couldn't find key password in Secret shop/sessions-redis-password"]);
  });

  it.each([
    [{ cache_name: 'Sessions' }, `parameter 'cache_name' must match pattern "^[a-z]([-a-z0-9]*[a-z0-9])?$" (got "Sessions")`],
    [{ cache_name: 'a'.repeat(41) }, `parameter 'cache_name' must NOT have more than 40 characters (got "${'a'.repeat(41)}")`],
    [{ size: 'huge' }, `parameter 'size' must be one of "small", "medium", "large" (got "huge")`],
    [{ version: '6.2' }, `parameter 'version' must be one of "7.0", "7.2" (got "6.2")`],
    [{ wait_timeout: '1h' }, `parameter 'wait_timeout' must match pattern "^([1-9][0-9]{0,2}s|([1-9]|1[0-5])m)$" (got "1h")`],
  ])('refuses %j naming the parameter and value, before writing anything', async (bad, message) => {
    const { cluster: c } = cluster();
    const r = await run(c, 'provision-redis', { ...BASE, ...bad });
    expect(r.status).toBe('failed');
    expect(r.error!.code).toBe('PARAMETER_INVALID');
    expect(r.error!.message).toBe(message);
    expect(c.list('v1', 'Secret', { namespace: 'shop' })).toEqual([]);
  });

  describe('when the API server refuses the Redis (onFailure)', () => {
    const refuse = (c: MockCluster) =>
      c.faults.failNext({
        verb: 'patch',
        path: '/apis/redis.redis.opstreelabs.in/v1beta2/namespaces/shop/redis/sessions-redis',
        status: 403,
        message: 'admission webhook "validate.redis.opstreelabs.in" denied the request: quota exceeded',
        times: 10,
      });
    const objects = (c: MockCluster) =>
      [
        ...c.list('v1', 'Secret', { namespace: 'shop' }),
        ...c.list('redis.redis.opstreelabs.in/v1beta2', 'Redis', { namespace: 'shop' }),
        ...c.list('apps/v1', 'StatefulSet', { namespace: 'shop' }),
      ].map((o) => `${o.kind}/${o.metadata.name}`);

    it('removes the password Secret the run created, and the run fails with the refusal', async () => {
      const { cluster: c } = cluster();
      refuse(c);
      const r = await run(c, 'provision-redis', { ...BASE });
      expect(r.status).toBe('failed');
      expect(r.error).toMatchObject({ code: 'STEP_FAILED', step: 'create-redis' });
      expect(r.error!.message).toContain('quota exceeded');
      expect(objects(c)).toEqual([]);
      const steps = r.events.flatMap((e) => (e.event === 'step:succeeded' || e.event === 'step:failed' ? [`${e.event} ${e.step}`] : []));
      expect(steps).toEqual(['step:succeeded password', 'step:failed create-redis', 'step:succeeded remove-password']);
    });

    it('keeps a password Secret that existed before the run (a re-run under a running Redis)', async () => {
      const { cluster: c } = cluster();
      expect((await run(c, 'provision-redis', { ...BASE })).status).toBe('succeeded');
      const password = secretValue(c, 'sessions-redis-password', 'password');
      refuse(c);
      const r = await run(c, 'provision-redis', { ...BASE });
      expect(r.error).toMatchObject({ code: 'STEP_FAILED', step: 'create-redis' });
      expect(objects(c)).toEqual(['Secret/sessions-redis-password', 'Redis/sessions-redis', 'StatefulSet/sessions-redis']);
      expect(secretValue(c, 'sessions-redis-password', 'password')).toBe(password);
      expect(r.events.flatMap((e) => (e.event === 'step:skipped' ? [e.step] : []))).toEqual(['remove-password']);
    });
  });
});
