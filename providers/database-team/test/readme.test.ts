import { describe, expect, it } from 'vitest';
import { runCli } from '@innominatus/provider-sdk/testing';
import { REPO_ROOT } from './harness';

const cli = (args: string[]) => runCli(args, REPO_ROOT);

// The README's reference and RBAC sections are generated; these fail when a workflow changed without them.
// Update them with the same commands without --check.
describe('README.md', () => {
  it('holds the reference provider-sdk docs generates', async () => {
    expect(await cli(['docs', 'providers/database-team', '--heading-level', '3', '--into', 'providers/database-team/README.md', '--check'])).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
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
    ).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});
