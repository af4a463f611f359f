import { describe, expect, it } from 'vitest';
import { isSensitive, reveal } from '@innominatus/core';
import { createMockCluster } from '@innominatus/steps-kubernetes/testing';
import { loadProviderForTest, runWorkflow } from '../src/testing/index';
import { writeProvider, writeTree } from './helpers/fixtures';
import { runCli } from './helpers/run-cli';
import { applyStep, credentialsStep, waitStep } from './helpers/test-steps';

describe('@innominatus/provider-sdk/testing', () => {
  it('runs a scaffolded provider against the mock cluster', async () => {
    const parent = await writeTree({});
    expect((await runCli(['init', 'cache-team', '--type', 'cache'], parent)).code).toBe(0);
    const provider = await loadProviderForTest(`${parent}/cache-team`);
    const cluster = createMockCluster({ namespaces: ['team-a'] });
    try {
      const run = await runWorkflow(provider, 'provision-cache', { parameters: { name: 'demo', namespace: 'team-a', size: 'large' }, cluster });
      expect(run.error).toBeUndefined();
      expect(run.status).toBe('succeeded');
      expect(run.outputs).toEqual({ name: 'demo-cache', namespace: 'team-a' });
      expect(cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'demo-cache', namespace: 'team-a' })?.data).toEqual({ size: 'large' });
      expect(run.events.filter((e) => e.event !== 'step:progress').map((e) => e.event)).toEqual([
        'run:started',
        'step:started',
        'step:succeeded',
        'run:succeeded',
      ]);
      const deleted = await runWorkflow(provider, 'delete-cache', { parameters: { name: 'demo', namespace: 'team-a' }, cluster });
      expect(deleted.status).toBe('succeeded');
      expect(cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'demo-cache', namespace: 'team-a' })).toBeUndefined();
    } finally {
      await cluster.close();
    }
  });

  it('captures events and logs, keeps secrets out of them, and reports failures as data', async () => {
    const dir = await writeProvider();
    const provider = await loadProviderForTest(dir, { steps: [applyStep, credentialsStep, waitStep] });
    const run = await runWorkflow(provider, 'provision-postgres', { parameters: { db_name: 'orders', namespace: 'shop' } });
    expect(run.status).toBe('succeeded');
    expect(isSensitive(run.outputs.password)).toBe(true);
    expect(reveal(run.outputs.password)).toBe('pw-of-shop-orders');
    expect(run.outputs.username).toBe('shop-orders-user');
    expect(run.logs.some((l) => l.message === 'applying')).toBe(true);
    expect(run.events.filter((e) => e.event === 'step:progress').map((e) => (e as { message: string }).message)).toEqual(['waiting for shop-orders']);
    expect(JSON.stringify([run.events, run.logs])).not.toContain('pw-of-shop-orders');

    const failed = await runWorkflow(provider, 'provision-postgres', { parameters: { db_name: 'Bad Name', namespace: 'shop' } });
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('PARAMETER_INVALID');
    expect(failed.outputs).toEqual({});
  });

  it('throws with every diagnostic when the provider does not validate', async () => {
    const dir = await writeProvider({
      'workflows/delete-postgres.yaml':
        'apiVersion: innominatus.io/v1\nkind: Workflow\nmetadata: { name: delete-postgres }\nsteps:\n  - { name: a, type: nope }\n',
    });
    await expect(loadProviderForTest(dir, { steps: [applyStep, credentialsStep, waitStep] })).rejects.toThrow(
      /has 1 error: workflows\/delete-postgres\.yaml:5:22: unknown step type 'nope'/,
    );
  });
});
