import { posix, win32 } from 'node:path';

/** Where the CLI keeps its code caches: a folder of the user's, never one of a project. */
export interface CacheDirContext {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** The user's home folder; empty when unknown. */
  home: string;
}

/** The name of the CLI's folder in the user's cache folder. */
export const CACHE_FOLDER = 'innominatus-provider-sdk';

/**
 * The folder of the CLI's code caches, or undefined for none. As with
 * Node.js's own compile cache, `NODE_DISABLE_COMPILE_CACHE` turns it off and
 * `NODE_COMPILE_CACHE` names the folder to keep it under; else it is under
 * the user's cache folder: `%LOCALAPPDATA%` on Windows, `~/Library/Caches`
 * on macOS, `$XDG_CACHE_HOME` or `~/.cache` elsewhere.
 */
export function codeCacheDir({ env, platform, home }: CacheDirContext): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const { isAbsolute, join } = platform === 'win32' ? win32 : posix;
  const under = (dir: string | undefined) => (dir && isAbsolute(dir) ? join(dir, CACHE_FOLDER) : undefined);
  if (env.NODE_COMPILE_CACHE) return under(env.NODE_COMPILE_CACHE);
  if (platform === 'win32') return under(env.LOCALAPPDATA) ?? under(home && join(home, 'AppData', 'Local'));
  if (platform === 'darwin') return under(home && join(home, 'Library', 'Caches'));
  return under(env.XDG_CACHE_HOME) ?? under(home && join(home, '.cache'));
}
