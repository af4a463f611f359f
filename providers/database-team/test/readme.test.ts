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
    expect(await cli(['docs', 'providers/database-team', '--heading-level', '3', '--into', 'providers/database-team/README.md', '--check'])).toEqual({
      code: 0,
      out: '',
      err: '',
    });
  });

  it('holds the ClusterRole provider-sdk rbac derives', async () => {
    expect(
      await cli([
        'rbac',
        'providers/database-team',
        '--service-account',
        'innominatus-system/innominatus',
        '--into',
        'providers/database-team/README.md',
        '--check',
      ]),
    ).toEqual({ code: 0, out: '', err: '' });
  });
});
