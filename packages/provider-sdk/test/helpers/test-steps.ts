import { defineStep, sensitive, StepRegistry, Type } from '@innominatus/core';

/** Applies a manifest (records it); returns the object's uid. */
export const applyStep = defineStep({
  type: 'test-apply',
  version: '1.4.2',
  description: 'Records a manifest',
  input: Type.Object(
    {
      manifest: Type.Object({ kind: Type.String(), metadata: Type.Object({ name: Type.String() }) }, { additionalProperties: true }),
      replicas: Type.Optional(Type.Integer()),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({ uid: Type.String(), name: Type.String() }),
  timeout: '5s',
  async run(input, ctx) {
    ctx.logger.info('applying', { kind: input.manifest.kind });
    return { uid: `uid-${input.manifest.metadata.name}`, name: input.manifest.metadata.name };
  },
});

/** Reads credentials; the password output is sensitive. */
export const credentialsStep = defineStep({
  type: 'test-credentials',
  description: 'Returns credentials for a name',
  input: Type.Object({ name: Type.String() }),
  output: Type.Object({ data: Type.Object({ username: Type.String(), password: Type.String({ 'x-sensitive': true }) }) }),
  timeout: '5s',
  async run(input) {
    return { data: { username: `${input.name}-user`, password: sensitive(`pw-of-${input.name}`) as unknown as string } };
  },
});

/** Waits for a condition written as deferred CEL over `object`. */
export const waitStep = defineStep({
  type: 'test-wait',
  description: 'Evaluates successWhen over a fixed object',
  input: Type.Object({
    name: Type.String(),
    successWhen: Type.String(),
    failureWhen: Type.Optional(Type.String()),
    timeout: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Integer()])),
  }),
  output: Type.Object({ ready: Type.Boolean() }),
  deferred: { successWhen: ['object'], failureWhen: ['object'] },
  timeout: '5s',
  async run(input, ctx) {
    ctx.progress(`waiting for ${input.name}`);
    return { ready: true };
  },
});

/** The test step types, in a fresh registry. */
export function testSteps(): StepRegistry {
  return new StepRegistry([applyStep, credentialsStep, waitStep]);
}
