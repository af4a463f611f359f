import type { PrecompiledValidator } from './ajv';

// The validator of JSON Schema draft-07's meta-schema, which ajv checks every
// schema a workflow declares (a parameter's, an output's type) against,
// generated ahead of time. Run from source there is none and ajv compiles the
// meta-schema on first use; the build (tsup.config.ts) replaces this module
// with the ajv standalone code that scripts/meta-schema-validator.ts
// generates, so a CLI run does not spend a tenth of its start-up compiling it.

/** The draft-07 meta-schema's validator, when the build generated it. */
export const draft07MetaValidator: PrecompiledValidator | undefined = undefined;
