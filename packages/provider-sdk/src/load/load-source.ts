import { hasErrors } from '../diagnostics/diagnostic';
import { ProviderInvalidError } from '../errors';
import type { LoadedProvider } from '@innominatus/core';
import { checkoutGitSource, type GitSource } from './git-source';
import { loadProvider, type LoadOptions, type ProviderLoadResult } from './load-provider';

/** Where a provider comes from: a folder, or a git repository at a ref. */
export type ProviderSource = string | { dir: string } | { git: GitSource };

/** Options of {@link loadProviderSource}. */
export interface SourceOptions extends LoadOptions {
  /** Where git sources are cloned. Required for git sources. */
  cacheDir?: string;
}

/**
 * Loads a provider from a folder or a git repository (pinned to the commit
 * the ref resolved to, recorded as `provider.commit`).
 */
export async function loadProviderSource(source: ProviderSource, options: SourceOptions): Promise<ProviderLoadResult> {
  if (typeof source === 'string') return loadProvider(source, options);
  if ('dir' in source) return loadProvider(source.dir, options);
  if (!options.cacheDir) throw new TypeError('loadProviderSource: cacheDir is required for a git source');
  const checkout = await checkoutGitSource(source.git, options.cacheDir);
  const result = await loadProvider(checkout.dir, { ...options, displayRoot: options.displayRoot ?? checkout.dir });
  if (result.provider) result.provider.commit = checkout.commit;
  return result;
}

/**
 * Loads a provider and throws when it has errors.
 *
 * @throws ProviderInvalidError with every diagnostic.
 */
export async function requireProvider(source: ProviderSource, options: SourceOptions): Promise<LoadedProvider> {
  const result = await loadProviderSource(source, options);
  if (!result.provider || hasErrors(result.diagnostics))
    throw new ProviderInvalidError(`provider ${typeof source === 'string' ? `'${source}'` : ''}`.trim(), result.diagnostics);
  return result.provider;
}
