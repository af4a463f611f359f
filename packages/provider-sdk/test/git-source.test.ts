import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadProviderSource } from '../src/load/load-source';
import { ProviderSdkError } from '../src/errors';
import { testSteps } from './helpers/test-steps';
import { writeProvider, writeTree, DELETE_YAML } from './helpers/fixtures';
import { writeFile } from 'node:fs/promises';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
  }).trim();
}

async function makeRepo() {
  const repo = await writeProvider();
  git(repo, 'init', '--quiet', '--initial-branch=main');
  git(repo, 'add', '.');
  git(repo, 'commit', '--quiet', '-m', 'v1');
  git(repo, 'tag', 'v1.0.0');
  const first = git(repo, 'rev-parse', 'HEAD');
  await writeFile(join(repo, 'workflows/delete-postgres.yaml'), DELETE_YAML.replace('name: remove', 'name: remove-cluster'));
  git(repo, 'commit', '--quiet', '-am', 'v2');
  const second = git(repo, 'rev-parse', 'HEAD');
  return { repo, first, second };
}

describe('git provider sources', () => {
  // One repository for the tests: they clone and read it, none changes it (each has a cache folder of its own).
  let made: Awaited<ReturnType<typeof makeRepo>>;
  beforeAll(async () => {
    made = await makeRepo();
  });

  it('clones a local repository at a tag, a branch and a commit, pinned to the commit', async () => {
    const { repo, first, second } = made;
    const cacheDir = await writeTree({});
    const opts = { steps: testSteps(), cacheDir };
    const byTag = await loadProviderSource({ git: { url: repo, ref: 'v1.0.0' } }, opts);
    expect(byTag.diagnostics).toEqual([]);
    expect(byTag.provider?.commit).toBe(first);
    expect(byTag.provider?.workflows.get('delete-postgres')?.workflow.steps[0]?.name).toBe('remove');
    const byBranch = await loadProviderSource({ git: { url: repo, ref: 'main' } }, opts);
    expect(byBranch.provider?.commit).toBe(second);
    expect(byBranch.provider?.workflows.get('delete-postgres')?.workflow.steps[0]?.name).toBe('remove-cluster');
    const byCommit = await loadProviderSource({ git: { url: repo, ref: first.slice(0, 12) } }, opts);
    expect(byCommit.provider?.commit).toBe(first);
    expect(byCommit.provider?.location).toBe(join(cacheDir, byCommit.provider!.location!.split('/').slice(-2, -1)[0]!, first));
  });

  it('serves concurrent loads of one source from one cache entry', async () => {
    const { repo, second } = made;
    const cacheDir = await writeTree({});
    const results = await Promise.all([1, 2, 3].map(() => loadProviderSource({ git: { url: repo, ref: 'main' } }, { steps: testSteps(), cacheDir })));
    expect(results.map((r) => r.provider?.commit)).toEqual([second, second, second]);
    expect(results.map((r) => r.diagnostics)).toEqual([[], [], []]);
  });

  it('says when a ref does not exist, and refuses option-like refs', async () => {
    const { repo } = made;
    const cacheDir = await writeTree({});
    await expect(loadProviderSource({ git: { url: repo, ref: 'v9' } }, { steps: testSteps(), cacheDir })).rejects.toMatchObject({
      code: 'GIT_REF_NOT_FOUND',
      message: "git ref 'v9' was not found",
    });
    await expect(loadProviderSource({ git: { url: repo, ref: '--upload-pack=x' } }, { steps: testSteps(), cacheDir })).rejects.toBeInstanceOf(ProviderSdkError);
    await expect(loadProviderSource({ git: { url: join(repo, 'nope') } }, { steps: testSteps(), cacheDir })).rejects.toMatchObject({ code: 'GIT_FAILED' });
  });
});
