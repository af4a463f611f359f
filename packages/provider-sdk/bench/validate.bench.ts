/**
 * Benchmark: validating 500 generated providers with 3 workflows each (in
 * process, Kubernetes steps), and the CLI's cold start (whole processes):
 * `validate` of one provider, and `schema provider`, which loads no steps.
 * Run: `npx tsx --conditions=source packages/provider-sdk/bench/validate.bench.ts`
 * (`N=100` for fewer providers, `COLD_RUNS=0` to skip the cold starts).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StepRegistry } from '@innominatus/core';
import { defaultSteps, hasErrors, loadProvider } from '@innominatus/provider-sdk';

const PROVIDERS = Number(process.env.N ?? 500);
const COLD_RUNS = Number(process.env.COLD_RUNS ?? 10);

function providerYaml(i: number): string {
  return `apiVersion: innominatus.io/v1
kind: Provider
metadata: { name: team-${i}, version: 1.0.0 }
capabilities:
  resourceTypeCapabilities:
    - type: db-${i}
      operations:
        create: { workflow: create-db, parameters: { name: "\${{ resource.name }}", namespace: "\${{ resource.application }}" } }
        update: { workflow: update-db, parameters: { name: "\${{ resource.name }}", namespace: "\${{ resource.application }}" } }
        delete: { workflow: delete-db, parameters: { name: "\${{ resource.name }}", namespace: "\${{ resource.application }}" } }
    - type: database-${i}
      aliasFor: db-${i}
workflows:
  - { name: create-db, file: ./workflows/create-db.yaml, operation: create }
  - { name: update-db, file: ./workflows/update-db.yaml, operation: update }
  - { name: delete-db, file: ./workflows/delete-db.yaml, operation: delete }
`;
}

function applyWorkflow(name: string): string {
  return `apiVersion: innominatus.io/v1
kind: Workflow
metadata: { name: ${name} }
parameters:
  - { name: name, type: string, required: true, pattern: '^[a-z][a-z0-9-]*$' }
  - { name: namespace, type: string, required: true }
  - { name: size, type: string, enum: [small, large], default: small }
vars:
  sizes: { small: 5Gi, large: 50Gi }
  full_name: \${{ parameters.namespace + "-" + parameters.name }}
steps:
  - name: apply
    type: kubernetes-apply
    with:
      manifests:
        - apiVersion: v1
          kind: ConfigMap
          metadata: { name: "\${{ vars.full_name }}", namespace: "\${{ parameters.namespace }}" }
          data: { storage: "\${{ vars.sizes[parameters.size] }}" }
  - name: wait
    type: wait-for-condition
    with:
      resource: { apiVersion: v1, kind: ConfigMap, name: "\${{ vars.full_name }}", namespace: "\${{ parameters.namespace }}" }
      successWhen: has(object.data)
      timeout: 2m
  - name: secret
    type: read-secret
    with: { name: "\${{ vars.full_name }}", namespace: "\${{ parameters.namespace }}" }
outputs:
  uid: \${{ steps["apply"].outputs.objects[0].uid }}
  password: { value: "\${{ steps.secret.outputs.data.password }}", sensitive: true }
`;
}

const deleteWorkflow = `apiVersion: innominatus.io/v1
kind: Workflow
metadata: { name: delete-db }
parameters:
  - { name: name, type: string, required: true }
  - { name: namespace, type: string, required: true }
steps:
  - name: delete
    type: kubernetes-delete
    with:
      resource: { apiVersion: v1, kind: ConfigMap, name: "\${{ parameters.namespace + '-' + parameters.name }}", namespace: "\${{ parameters.namespace }}" }
      wait: true
`;

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'provider-bench-'));
  try {
    for (let i = 0; i < PROVIDERS; i++) {
      const dir = join(root, `team-${i}`);
      await mkdir(join(dir, 'workflows'), { recursive: true });
      await writeFile(join(dir, 'provider.yaml'), providerYaml(i));
      await writeFile(join(dir, 'workflows/create-db.yaml'), applyWorkflow('create-db'));
      await writeFile(join(dir, 'workflows/update-db.yaml'), applyWorkflow('update-db'));
      await writeFile(join(dir, 'workflows/delete-db.yaml'), deleteWorkflow);
    }
    const steps = new StepRegistry(await defaultSteps());
    // Warm up (module loading, ajv compilation of the shared schemas).
    const first = await loadProvider(join(root, 'team-0'), { steps, displayRoot: root });
    if (hasErrors(first.diagnostics) || !first.provider) throw new Error(`generated provider is invalid: ${JSON.stringify(first.diagnostics)}`);
    // CPU time (all of the process's threads) besides wall time: on a shared machine it says what the work cost.
    const cpuAtStart = process.cpuUsage();
    const started = performance.now();
    let workflows = 0;
    for (let i = 0; i < PROVIDERS; i++) {
      const r = await loadProvider(join(root, `team-${i}`), { steps, displayRoot: root });
      if (!r.provider) throw new Error(`team-${i} is invalid`);
      workflows += r.provider.workflows.size;
    }
    const ms = performance.now() - started;
    const cpu = cpuMs(process.cpuUsage(cpuAtStart));
    console.log(
      `validate ${PROVIDERS} providers (${workflows} workflows), one at a time: ${ms.toFixed(0)} ms, CPU ${cpu.toFixed(0)} ms (${(ms / PROVIDERS).toFixed(2)} ms per provider; aim < 2000 ms)`,
    );
    const cpuConcurrent = process.cpuUsage();
    const concurrent = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < PROVIDERS) {
          const r = await loadProvider(join(root, `team-${next++}`), { steps, displayRoot: root });
          if (!r.provider) throw new Error('invalid provider');
        }
      }),
    );
    console.log(
      `validate ${PROVIDERS} providers, 8 at a time: ${(performance.now() - concurrent).toFixed(0)} ms, CPU ${cpuMs(process.cpuUsage(cpuConcurrent)).toFixed(0)} ms`,
    );

    if (COLD_RUNS === 0) return;
    const here = fileURLToPath(new URL('.', import.meta.url));
    const bin = join(here, '../bin/provider-sdk.js');
    const built = existsSync(join(here, '../dist/cli.js'));
    const tsx = join(here, '../../../node_modules/.bin/tsx');
    const command = built ? [process.execPath, bin] : [tsx, '--conditions=source', join(here, '../src/cli.ts')];
    const target = join(root, 'team-0');
    const how = built ? 'node bin/provider-sdk.js (dist)' : 'tsx from source, no dist';
    // `schema provider` loads no steps: the difference is what loading the steps and validating cost.
    for (const [what, args, aim] of [
      ['validate one provider', ['validate', target], ' (aim < 400 ms)'],
      ['schema provider (no steps)', ['schema', 'provider'], ''],
    ] as const) {
      execFileSync(command[0]!, [...command.slice(1), ...args]);
      const times: number[] = [];
      for (let i = 0; i < COLD_RUNS; i++) {
        const t = performance.now();
        const r = spawnSync(command[0]!, [...command.slice(1), ...args], { encoding: 'utf8' });
        times.push(performance.now() - t);
        if (r.status !== 0) throw new Error(`CLI exited ${r.status}: ${r.stdout}${r.stderr}`);
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)]!;
      console.log(
        `CLI cold start, ${what} (${how}), ${COLD_RUNS} runs: median ${median.toFixed(0)} ms, min ${times[0]!.toFixed(0)} ms, max ${times.at(-1)!.toFixed(0)} ms${aim}`,
      );
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

await main();
