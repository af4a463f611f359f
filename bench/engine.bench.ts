/**
 * Engine overhead per step and runs per second, with no-op steps and the
 * in-memory journal. Run with `pnpm bench` (not part of the tests).
 */
import { createEngine, defineStep, Type, type Workflow } from '@innominatus/core';

const noop = defineStep({
  type: 'noop',
  description: 'Does nothing',
  input: Type.Object({ n: Type.Integer() }),
  output: Type.Object({ n: Type.Integer() }),
  timeout: '5s',
  async run(input) {
    return { n: input.n };
  },
});

function workflowOf(steps: number): Workflow {
  return {
    apiVersion: 'innominatus.io/v1',
    kind: 'Workflow',
    metadata: { name: `noop-${steps}` },
    parameters: [{ name: 'n', type: 'integer', default: 1 }],
    steps: Array.from({ length: steps }, (_, i) => ({
      name: `s${i}`,
      type: 'noop',
      with: { n: i === 0 ? '${{ parameters.n }}' : `\${{ steps["s${i - 1}"].outputs.n + 1 }}` },
    })),
    outputs: { n: `\${{ steps["s${steps - 1}"].outputs.n }}` },
  };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function main(): Promise<void> {
  const engine = createEngine({ steps: [noop] });
  const ten = workflowOf(10);
  const three = workflowOf(3);
  for (let i = 0; i < 2000; i++) await engine.run(ten); // warm up (JIT, caches)

  const perStep: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const t = process.hrtime.bigint();
    await engine.run(ten);
    perStep.push(Number(process.hrtime.bigint() - t) / 1000 / 10);
  }
  perStep.sort((a, b) => a - b);

  // Fresh engine so the journal starts empty.
  const engine3 = createEngine({ steps: [noop] });
  for (let i = 0; i < 2000; i++) await engine3.run(three);
  const runs = 20_000;
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) await engine3.run(three);
  const seqSeconds = (performance.now() - t0) / 1000;

  const t1 = performance.now();
  const batch = 100;
  for (let i = 0; i < runs; i += batch) await Promise.all(Array.from({ length: batch }, () => engine3.run(three)));
  const concSeconds = (performance.now() - t1) / 1000;

  const out = {
    'engine overhead per step, 10-step no-op workflow (µs)': {
      median: +quantile(perStep, 0.5).toFixed(2),
      p99: +quantile(perStep, 0.99).toFixed(2),
    },
    '3-step runs per second (one at a time)': Math.round(runs / seqSeconds),
    '3-step runs per second (100 in flight)': Math.round(runs / concSeconds),
    'heap used after (MiB)': +(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1),
  };
  console.log(JSON.stringify(out, null, 2));
}

await main();
