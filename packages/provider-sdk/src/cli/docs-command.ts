import type { StepRegistry } from '@innominatus/core';
import { providerDocs } from '../docs/provider-docs';
import { ProviderSdkError } from '../errors';
import type { CliIo } from './cli-io';
import { writeGenerated, type GeneratedOutputOptions } from './generated-output';
import { loadValidProvider } from './valid-provider';

/** Options of the `docs` command. */
export interface DocsCommandOptions extends GeneratedOutputOptions {
  steps: StepRegistry;
  /** `--heading-level`: the level of the top sections (2-5, default 2). */
  headingLevel?: string;
}

/** Prints (or writes into a README's marked section) the provider's Markdown reference. Returns the exit code. */
export async function docsCommand(dir: string, options: DocsCommandOptions, io: CliIo): Promise<number> {
  const level = options.headingLevel === undefined ? 2 : Number(options.headingLevel);
  if (!Number.isInteger(level) || level < 2 || level > 5)
    throw new ProviderSdkError('USAGE', `--heading-level must be 2, 3, 4 or 5 (got '${options.headingLevel}')`);
  const provider = await loadValidProvider(dir, options.steps, io, 'generating its reference');
  if (!provider) return 1;
  const markdown = providerDocs(provider, { title: !options.into, headingLevel: level });
  return writeGenerated('docs', markdown, (c) => c, options, io);
}
