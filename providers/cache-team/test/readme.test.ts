import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '@innominatus/provider-sdk/testing';
import { REPO_ROOT } from './harness';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    cwd: REPO_ROOT,
    color: false,
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
  };
  return { code: await main(args, io), out, err };
}

// The README's reference and RBAC sections are generated; these fail when a workflow changed without them.
// Update them with the same commands without --check.
describe('README.md', () => {
  it('holds the reference provider-sdk docs generates', async () => {
    expect(await cli(['docs', 'providers/cache-team', '--heading-level', '3', '--into', 'providers/cache-team/README.md', '--check'])).toEqual({
      code: 0,
      out: '',
      err: '',
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
    expect(await cli([...args, '--into', 'providers/cache-team/README.md', '--check'])).toEqual({ code: 0, out: '', err: '' });
    const role = await cli(args);
    expect(role.out).toContain('    resources: ["redis"]\n    verbs: ["list", "watch", "create", "patch", "delete"]');
    expect(role.out).toContain('    resources: ["secrets"]\n    verbs: ["get", "create", "patch", "delete"]');
  });
});
