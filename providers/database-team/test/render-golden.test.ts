import { describe, expect, it } from 'vitest';
import { runCli } from '@innominatus/provider-sdk/testing';
import { REPO_ROOT } from './harness';

const render = (args: string[]) => runCli(['render', 'providers/database-team', ...args], REPO_ROOT);

const request = (operation: string, ...properties: string[]) => [
  '--operation',
  operation,
  '--type',
  'postgres',
  '--resource-name',
  'db',
  '--application',
  'my-app',
  ...properties.flatMap((p) => ['--property', p]),
];

describe('provider-sdk render (golden)', () => {
  it.each([
    ['provision-postgres.create.yaml', request('create')],
    ['provision-postgres.large.yaml', request('create', 'size=large', 'version="16"')],
    ['update-postgres.update.yaml', request('update', 'size=medium', 'replicas=3')],
    ['delete-postgres.delete.yaml', request('delete')],
  ])('%s', async (golden, args) => {
    const r = await render(args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot(`__golden__/${golden}`);
  });
});
