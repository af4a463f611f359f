import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { BELOW_FLOOR_NODE_VERSION as BELOW_FLOOR, nodeBinaries, SUPPORTED_NODE_VERSIONS as VERSIONS } from './support/node-binary';
import { type Exited, PACKAGES, runProgram, strangerProject, type StrangerProject } from './support/release';

// The edges of engines.node and the current 24 (support/node-binary.ts) run
// the installed tarballs: every entry imported and required, and one
// Kubernetes step against the mock cluster, from an ES module and from
// CommonJS. Below the floor (20.18), every entry still loads,
// and what needs require() of an ES module (a Kubernetes step, the
// provider-sdk CLI) says which Node.js it needs instead of failing with
// `require() of ES Module`. Each test is one child process, so they run at
// once (concurrent tests); the binaries are fetched by one npm process.

/** Entries not loaded here: the store conformance suite needs the caller's vitest (an optional peer, not installed). */
const NEEDS_VITEST = '@innominatus/core/testing/store-conformance';

/** Every `name/subpath` the installed packages export (types-bearing entries). */
function entries(project: StrangerProject): string[] {
  return PACKAGES.flatMap((dir) => {
    const manifest = JSON.parse(readFileSync(join(project.dir, 'node_modules/@innominatus', dir, 'package.json'), 'utf8')) as {
      name: string;
      exports: Record<string, unknown>;
    };
    return Object.entries(manifest.exports)
      .filter(([, target]) => typeof target === 'object')
      .map(([entry]) => `${manifest.name}${entry.slice(1)}`);
  }).filter((specifier) => specifier !== NEEDS_VITEST);
}

/** One kubernetes-apply step on the mock cluster; `load` is `import` or `require`. */
const stepBody = (load: (s: string) => string) => `
  const core = ${load('@innominatus/core')};
  const { kubernetesSteps } = ${load('@innominatus/steps-kubernetes')};
  const { createMockCluster } = ${load('@innominatus/steps-kubernetes/testing')};
  const cluster = createMockCluster();
  const server = await cluster.listen();
  const engine = core.createEngine({ steps: new core.StepRegistry(kubernetesSteps({ kubeconfig: server.kubeconfigText })) });
  const result = await engine.run({ apiVersion: 'innominatus.io/v1', kind: 'Workflow', metadata: { name: 'smoke' },
    steps: [{ name: 'apply', type: 'kubernetes-apply', with: { manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'smoke', namespace: 'default' }, data: { node: process.version } }] } }],
    outputs: { kind: '\${{ steps["apply"].outputs.objects[0].kind }}' } }, {});
  const stored = cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'smoke' });
  console.log(JSON.stringify({ loaded, outputs: result.outputs, data: stored?.data }));
  await server.close();
`;

function smokeEsm(specifiers: string[], body = stepBody): string {
  return `const loaded = [];
for (const s of ${JSON.stringify(specifiers)}) { const m = await import(s); loaded.push(s + ':' + (Object.keys(m).length > 0)); }
${body((s) => `await import(${JSON.stringify(s)})`)}`;
}

function smokeCjs(specifiers: string[], body = stepBody): string {
  return `const loaded = [];
(async () => {
for (const s of ${JSON.stringify(specifiers)}) { const m = require(s); loaded.push(s + ':' + (Object.keys(m).length > 0)); }
${body((s) => `require(${JSON.stringify(s)})`)}
})().catch((e) => { console.error(e); process.exit(1); });`;
}

/** Runs a script of the project with the Node binary `node`. */
const runScript = (node: string, args: string[]): Promise<Exited> => runProgram(node, args, project.dir, { ...process.env, NODE_OPTIONS: '' });

let project: StrangerProject;
let nodes: Map<string, string>;
beforeAll(async () => {
  [project, nodes] = await Promise.all([strangerProject(), nodeBinaries()]);
}, 600_000);

describe.concurrent.each(VERSIONS)('the installed packages on Node.js %s', (version) => {
  it.for([
    ['import', 'smoke.mjs', smokeEsm],
    ['require', 'smoke.cjs', smokeCjs],
  ] as const)('%s every entry and run a Kubernetes step against the mock cluster', { timeout: 90_000 }, async ([, file, script], { expect }) => {
    const specifiers = entries(project);
    writeFileSync(join(project.dir, `${version}-${file}`), script(specifiers));
    const r = await runScript(nodes.get(version)!, [`${version}-${file}`]);
    // Node.js 22 warns that punycode is deprecated when client-node's node-fetch 2 (whatwg-url 5) loads it; not ours to fix.
    const stderr = r.stderr.replace(
      /^\(node:\d+\) \[DEP0040\] DeprecationWarning: The `punycode` module is deprecated.*\n\(Use `node --trace-deprecation \.\.\.` to show where the warning was created\)\n/,
      '',
    );
    expect(stderr).toBe('');
    expect(JSON.parse(r.stdout)).toStrictEqual({
      loaded: specifiers.map((s) => `${s}:true`),
      outputs: { kind: 'ConfigMap' },
      data: { node: `v${version}` },
    });
  });
});

/** Every entry loaded, then one kubernetes-apply step (its kubeconfig names a server the step never reaches). */
const belowFloorBody = (load: (s: string) => string) => `
  const core = ${load('@innominatus/core')};
  const { kubernetesSteps } = ${load('@innominatus/steps-kubernetes')};
  const kubeconfig = JSON.stringify({ apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }],
    users: [{ name: 'u', user: { token: 't' } }], contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }], 'current-context': 'x' });
  const engine = core.createEngine({ steps: new core.StepRegistry(kubernetesSteps({ kubeconfig })) });
  let failure;
  try {
    await engine.run({ apiVersion: 'innominatus.io/v1', kind: 'Workflow', metadata: { name: 'old-node' },
      steps: [{ name: 'apply', type: 'kubernetes-apply', with: { manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' } }] } }] }, {});
  } catch (err) {
    failure = { code: err.code, message: err.message, retryable: err.retryable };
  }
  console.log(JSON.stringify({ loaded, failure }));
`;

describe.concurrent(`the installed packages on Node.js ${BELOW_FLOOR}, below engines.node`, () => {
  const needs = (what: string) =>
    `${what} needs Node.js ^20.19.0 || >=22.12.0 (a Node.js that can require() ES modules); this is Node.js v${BELOW_FLOOR}: upgrade Node.js`;

  it.for([
    ['import', 'old-node.mjs', (specifiers: string[]) => smokeEsm(specifiers, belowFloorBody)],
    ['require', 'old-node.cjs', (specifiers: string[]) => smokeCjs(specifiers, belowFloorBody)],
  ] as const)(
    '%s every entry; a Kubernetes step fails, not retryable, naming the Node.js it needs',
    { timeout: 90_000 },
    async ([, file, script], { expect }) => {
      const specifiers = entries(project);
      writeFileSync(join(project.dir, `${BELOW_FLOOR}-${file}`), script(specifiers));
      const r = await runScript(nodes.get(BELOW_FLOOR)!, [`${BELOW_FLOOR}-${file}`]);
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toStrictEqual({
        loaded: specifiers.map((s) => `${s}:true`),
        failure: { code: 'STEP_FAILED', message: `step 'apply' failed: ${needs('@innominatus/steps-kubernetes')}`, retryable: false },
      });
    },
  );

  it('the provider-sdk CLI refuses to start, naming the Node.js it needs', async ({ expect }) => {
    const r = await runScript(nodes.get(BELOW_FLOOR)!, [join(project.dir, 'node_modules/@innominatus/provider-sdk/bin/provider-sdk.js'), '--version']);
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toStrictEqual({
      status: 1,
      stdout: '',
      stderr: `error: ${needs('provider-sdk')} [NODE_UNSUPPORTED]\n`,
    });
  }, 60_000);
});
