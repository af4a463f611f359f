import { CORE_VERSION } from '@innominatus/core';

/** The version of the reference host (`innominatus-host --version`, `innominatus-ctl --version`); a test keeps it equal to package.json's. */
export const HOST_VERSION = '1.0.0';

/** What `--version` prints: the host's version and the `@innominatus/core` it runs on, as `provider-sdk --version` does. */
export function versionLine(): string {
  return `${HOST_VERSION} (@innominatus/core ${CORE_VERSION})`;
}
