import { resolve } from 'node:path';
import type { LoadedProvider, StepRegistry } from '@innominatus/core';
import { formatDiagnostic, hasErrors } from '../diagnostics/diagnostic';
import { loadProvider } from '../load/load-provider';
import type { CliIo } from './cli-io';

/**
 * Loads a provider folder for a command that needs a valid one: on any error
 * prints every diagnostic and `error: the provider does not validate; fix it
 * before <doing>`, and returns undefined (exit 1).
 */
export async function loadValidProvider(dir: string, steps: StepRegistry, io: CliIo, doing: string): Promise<LoadedProvider | undefined> {
  const loaded = await loadProvider(resolve(io.cwd, dir), { steps, displayRoot: io.cwd });
  if (!loaded.provider || hasErrors(loaded.diagnostics)) {
    for (const d of loaded.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    io.stderr(`error: the provider does not validate; fix it before ${doing}\n`);
    return undefined;
  }
  return loaded.provider;
}
