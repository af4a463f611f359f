import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine, defineStep, StepRegistry, Type } from '../src/index';

// The CommonJS build is another copy of core than the source these tests import.
const other = createRequire(import.meta.url)(join(__dirname, '../dist/index.cjs')) as typeof import('../src/index');

describe('StepRegistry.is: a brand that holds across copies of core', () => {
  const step = other.defineStep({
    type: 'greet',
    description: 'greets',
    timeout: '5s',
    input: other.Type.Object({ name: other.Type.String() }),
    output: other.Type.Object({ text: other.Type.String() }),
    async run(input) {
      return { text: `hello ${input.name}` };
    },
  });
  const foreign = new other.StepRegistry([step]);

  it('recognises a registry of another copy, which instanceof does not', () => {
    expect(foreign instanceof StepRegistry).toBe(false);
    expect(StepRegistry.is(foreign)).toBe(true);
    expect(StepRegistry.is(new StepRegistry())).toBe(true);
    expect(other.StepRegistry.is(new StepRegistry())).toBe(true);
    expect(StepRegistry.is({ list: () => [] })).toBe(false);
    expect(StepRegistry.is(null)).toBe(false);
  });

  it('an engine takes a registry of another copy as it is', async () => {
    const engine = createEngine({ steps: foreign });
    expect(engine.steps).toBe(foreign);
    const result = await engine.run(
      {
        apiVersion: 'innominatus.io/v1',
        kind: 'Workflow',
        metadata: { name: 'hi' },
        parameters: [{ name: 'who', type: 'string' }],
        steps: [{ name: 'g', type: 'greet', with: { name: '${{ parameters.who }}' } }],
        outputs: { text: '${{ steps["g"].outputs.text }}' },
      },
      { parameters: { who: 'copy' } },
    );
    expect(result.outputs).toStrictEqual({ text: 'hello copy' });
  });

  it("another copy's registry takes this copy's steps", () => {
    const local = defineStep({
      type: 'local',
      description: 'd',
      timeout: '1s',
      input: Type.Object({}),
      output: Type.Object({}),
      async run() {
        return {};
      },
    });
    expect(new other.StepRegistry([local]).types()).toStrictEqual(['local']);
  });
});
