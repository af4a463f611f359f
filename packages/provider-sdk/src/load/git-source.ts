import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ProviderSdkError } from '../errors';

/** A provider kept in a git repository. */
export interface GitSource {
  /** Anything `git clone` accepts: an https URL, an ssh address, a local path. */
  url: string;
  /** A tag, branch or commit. Default `HEAD`. */
  ref?: string;
  /** The provider's folder inside the repository. Default: the root. */
  path?: string;
}

/** A checkout of a git source, pinned to the commit its ref resolved to. */
export interface GitCheckout {
  /** The provider folder inside the checkout. */
  dir: string;
  /** The full commit hash. */
  commit: string;
}

const GIT_TIMEOUT_MS = 120_000;

/**
 * Fetches a git source into `cacheDir` with the system `git` and checks out
 * the commit its ref resolves to (a folder per commit, reused next time).
 *
 * @throws ProviderSdkError `GIT_REF_NOT_FOUND` or `GIT_FAILED`.
 */
export async function checkoutGitSource(source: GitSource, cacheDir: string): Promise<GitCheckout> {
  const ref = source.ref ?? 'HEAD';
  if (ref.startsWith('-') || /[\s\0]/.test(ref)) throw new ProviderSdkError('INVALID_SOURCE', `invalid git ref '${ref}'`);
  if (source.url.startsWith('-')) throw new ProviderSdkError('INVALID_SOURCE', `invalid git URL '${source.url}'`);
  if (source.path !== undefined && (source.path.startsWith('/') || source.path.split(/[\\/]/).includes('..'))) {
    throw new ProviderSdkError('INVALID_SOURCE', `path '${source.path}' must stay inside the repository`);
  }
  const base = join(cacheDir, createHash('sha256').update(source.url).digest('hex').slice(0, 16));
  const repo = join(base, 'repo.git');
  await mkdir(base, { recursive: true });
  if (await exists(repo)) {
    await git(['--git-dir', repo, 'fetch', '--quiet', '--force', '--tags', 'origin', '+refs/heads/*:refs/heads/*'], 'fetch');
  } else {
    const tmp = `${repo}.tmp-${process.pid}-${Date.now()}`;
    await git(['clone', '--quiet', '--bare', '--', source.url, tmp], 'clone');
    await settle(tmp, repo);
  }
  const commit = await resolveRef(repo, ref);
  const worktree = join(base, commit);
  if (!(await exists(worktree))) {
    const tmp = `${worktree}.tmp-${process.pid}-${Date.now()}`;
    await mkdir(tmp, { recursive: true });
    try {
      await git(['--git-dir', repo, '--work-tree', tmp, 'checkout', '--quiet', '--force', commit, '--', '.'], 'checkout');
      await settle(tmp, worktree);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
  }
  return { dir: source.path ? join(worktree, source.path) : worktree, commit };
}

async function resolveRef(repo: string, ref: string): Promise<string> {
  for (const candidate of [`refs/tags/${ref}`, `refs/heads/${ref}`, ref]) {
    try {
      const out = await git(['--git-dir', repo, 'rev-parse', '--verify', '--quiet', `${candidate}^{commit}`], 'rev-parse');
      if (/^[0-9a-f]{40,64}$/.test(out.trim())) return out.trim();
    } catch {
      // try the next spelling
    }
  }
  throw new ProviderSdkError('GIT_REF_NOT_FOUND', `git ref '${ref}' was not found`);
}

function git(args: string[], what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { timeout: GIT_TIMEOUT_MS, maxBuffer: 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'echo' } },
      (err, stdout, stderr) => {
        if (err) {
          const detail = String(stderr).trim().split('\n').slice(-1)[0] || err.message;
          reject(new ProviderSdkError('GIT_FAILED', `git ${what} failed: ${detail}`, { cause: err }));
        } else resolve(String(stdout));
      },
    );
  });
}

/** Moves a finished temporary folder into place; another process may have put the same content there first. */
async function settle(tmp: string, target: string): Promise<void> {
  try {
    await rename(tmp, target);
  } catch (err) {
    if (!(await exists(target))) throw err;
    await rm(tmp, { recursive: true, force: true });
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
