import type { PrecompiledValidator } from '@innominatus/core/internal';

// The validators of the step types' inputs, generated ahead of time. Run from
// source there are none and core compiles each input schema on first use;
// the build (tsup.config.ts) replaces this module with the ajv standalone
// code that scripts/input-validators.ts generates from the steps' input
// schemas, so validating a workflow does not compile them at start-up.

/** The validator of each step type's input, by step type, when the build generated them. */
export const inputValidators: Readonly<Record<string, PrecompiledValidator>> = {};
