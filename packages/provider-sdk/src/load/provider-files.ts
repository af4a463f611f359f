import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** Where a `file:` of provider.yaml points, or why it may not be used. */
export type FileCheck = { ok: true; path: string } | { ok: false; code: 'FILE_OUTSIDE_PROVIDER' | 'FILE_NOT_FOUND'; message: string };

/**
 * Resolves a workflow `file:` inside the provider folder: no absolute path,
 * no `..` leaving the folder, no symlink pointing outside it, and it exists.
 * The file system is asked synchronously: these are single system calls on
 * local paths, cheaper than a thread-pool round trip each (as in `loadYamlFile`).
 */
export async function resolveProviderFile(providerDir: string, file: string): Promise<FileCheck> {
  if (isAbsolute(file) || /^[A-Za-z]:[\\/]/.test(file) || file.startsWith('\\')) {
    return { ok: false, code: 'FILE_OUTSIDE_PROVIDER', message: `file '${file}' is an absolute path; use a path relative to the provider folder` };
  }
  const target = resolve(providerDir, file);
  if (!inside(resolve(providerDir), target)) {
    return { ok: false, code: 'FILE_OUTSIDE_PROVIDER', message: `file '${file}' is outside the provider folder` };
  }
  let real: string;
  try {
    real = realpathSync.native(target);
  } catch {
    return { ok: false, code: 'FILE_NOT_FOUND', message: `file '${file}' does not exist` };
  }
  const root = realpathSync.native(providerDir);
  if (!inside(root, real)) {
    return { ok: false, code: 'FILE_OUTSIDE_PROVIDER', message: `file '${file}' is a symlink to a place outside the provider folder` };
  }
  if (!statSync(real).isFile()) return { ok: false, code: 'FILE_NOT_FOUND', message: `'${file}' is not a file` };
  return { ok: true, path: real };
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel);
}
