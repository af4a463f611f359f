import { createRequire } from 'node:module';

/** The version of the reference host (`innominatus-host --version`, `innominatus-ctl --version`); a test keeps it equal to package.json's. */
export const HOST_VERSION = '1.0.0';

/**
 * What `--version` prints: the host's version and the `@innominatus/core` it runs on, as `provider-sdk --version` does.
 * Core's version is read from the package.json of the core this module resolves (core's `CORE_VERSION` is kept equal
 * to it): `innominatus-ctl` loads nothing of core but this file, so that a command starts without compiling the engine.
 */
export function versionLine(): string {
  const core = createRequire(import.meta.url)('@innominatus/core/package.json') as { version: string };
  return `${HOST_VERSION} (@innominatus/core ${core.version})`;
}
