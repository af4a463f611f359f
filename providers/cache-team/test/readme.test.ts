import { describe, expect, it } from 'vitest';
import { runCli } from '@innominatus/provider-sdk/testing';
import { REPO_ROOT } from './harness';

const cli = (args: string[]) => runCli(args, REPO_ROOT);

// The README's reference and RBAC sections are generated; these fail when a workflow changed without them.
// Update them with the same commands without --check.
describe('README.md', () => {
  it('holds the reference provider-sdk docs generates', async () => {
    expect(await cli(['docs', 'providers/cache-team', '--heading-level', '3', '--into', 'providers/cache-team/README.md', '--check'])).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
  });

  it("holds the ClusterRole provider-sdk rbac derives, with the Redis plural from the CRD's", async () => {
    const args = [
      'rbac',
      'providers/cache-team',
      '--service-account',
      'innominatus-system/innominatus',
      '--crd',
      'providers/cache-team/crds/redis.redis.opstreelabs.in.yaml',
    ];
    expect(await cli([...args, '--into', 'providers/cache-team/README.md', '--check'])).toEqual({ code: 0, stdout: '', stderr: '' });
    const role = await cli(args);
    expect(role.stdout).toContain('    resources: ["redis"]\n    verbs: ["list", "watch", "create", "patch", "delete"]');
    expect(role.stdout).toContain('    resources: ["secrets"]\n    verbs: ["get", "create", "patch", "delete"]');
  });
});
