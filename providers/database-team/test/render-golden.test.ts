import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '@innominatus/provider-sdk/testing';
import { REPO_ROOT } from './harness';

async function render(args: string[]): Promise<{ code: number; out: string; err: string }> {
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
  const code = await main(['render', 'providers/database-team', ...args], io);
  return { code, out, err };
}

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
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    await expect(r.out).toMatchFileSnapshot(`__golden__/${golden}`);
  });
});
