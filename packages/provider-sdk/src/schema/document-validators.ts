import type { PrecompiledValidator } from '@innominatus/core/internal';

// The validators of provider.yaml and of workflow files, generated ahead of
// time. Run from source there are none and core compiles the schemas on
// first use; the build (tsup.config.ts) replaces this module with the ajv
// standalone code that scripts/document-validators.ts generates from
// schemas/*.schema.json, so a CLI run does not spend a tenth of its start-up
// compiling them.

/** provider.yaml's validator, when the build generated it. */
export const providerValidator: PrecompiledValidator | undefined = undefined;

/** A workflow file's validator, when the build generated it. */
export const workflowValidator: PrecompiledValidator | undefined = undefined;
