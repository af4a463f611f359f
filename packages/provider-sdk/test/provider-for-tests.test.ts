import { describe, expect, it } from 'vitest';
import { createMockCluster } from '@innominatus/steps-kubernetes/testing';
import { providerForTests } from '../src/testing/index';
import { writeTree } from './helpers/fixtures';
import { runCli } from './helpers/run-cli';

describe('providerForTests', () => {
  it('loads the provider once, and runs its workflows with the parameters against the cluster', async () => {
    const parent = await writeTree({});
    expect((await runCli(['init', 'cache-team', '--type', 'cache'], parent)).code).toBe(0);
    const provider = providerForTests(`${parent}/cache-team`);
    const cluster = createMockCluster({ namespaces: ['team-a'] });
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', name: 'demo-cache', namespace: 'team-a' };
    try {
      const [first, second] = await Promise.all([provider.load(), provider.load()]);
      expect(second).toBe(first);
      expect(await provider.load()).toBe(first);
      expect([...first.workflows.keys()].sort()).toEqual(['delete-cache', 'provision-cache']);

      const run = await provider.run(cluster, 'provision-cache', { name: 'demo', namespace: 'team-a', size: 'large' });
      expect([run.status, run.outputs]).toEqual(['succeeded', { name: 'demo-cache', namespace: 'team-a' }]);
      expect(cluster.get(configMap)?.data).toEqual({ size: 'large' });
      // A run that ends before `when` holds resolves as it ended.
      const deleted = await provider.runToTimeout(cluster, 'delete-cache', { name: 'demo', namespace: 'team-a' }, 1000, () => false);
      expect(deleted.status).toBe('succeeded');
      expect(cluster.get(configMap)).toBeUndefined();
    } finally {
      await cluster.close();
    }
  });
});
