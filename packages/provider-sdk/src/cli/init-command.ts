import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { ProviderSdkError } from '../errors';
import type { CliIo } from './cli-io';

/** Options of the `init` command. */
export interface InitOptions {
  name?: string;
  type?: string;
}

const SCHEMA_DIR = './node_modules/@innominatus/provider-sdk/schemas';

/** Where the SDK and steps come from: the npm registry, or this project's pnpm workspace. */
export type DependencySource = 'registry' | 'workspace';

/** The files of a new provider: provider.yaml, a create and a delete workflow, a unit test and a package.json to run it. */
export function scaffoldFiles(name: string, type: string, deps: DependencySource = 'registry'): Record<string, string> {
  const version = deps === 'workspace' ? 'workspace:*' : '^1.0.0';
  return {
    'package.json': `${JSON.stringify(
      {
        name: `${name}-provider`,
        version: '0.1.0',
        private: true,
        type: 'module',
        scripts: { validate: 'provider-sdk validate .', test: 'vitest run' },
        devDependencies: { '@innominatus/provider-sdk': version, '@innominatus/steps-kubernetes': version, vitest: '^4.1.0' },
      },
      null,
      2,
    )}\n`,
    'provider.yaml': `# yaml-language-server: $schema=${SCHEMA_DIR}/provider.schema.json
apiVersion: innominatus.io/v1
kind: Provider
metadata:
  name: ${name}
  version: 0.1.0
  description: Provides '${type}' resources
compatibility:
  minCoreVersion: 1.0.0
capabilities:
  resourceTypeCapabilities:
    - type: ${type}
      operations:
        create:
          workflow: provision-${type}
          parameters:
            name: \${{ resource.name }}
            namespace: \${{ resource.application }}
          fromProperties: [size]
        delete:
          workflow: delete-${type}
          parameters:
            name: \${{ resource.name }}
            namespace: \${{ resource.application }}
workflows:
  - name: provision-${type}
    file: ./workflows/provision-${type}.yaml
    description: Create a ${type}
    category: provisioner
    operation: create
  - name: delete-${type}
    file: ./workflows/delete-${type}.yaml
    description: Delete a ${type}
    category: provisioner
    operation: delete
`,
    [`workflows/provision-${type}.yaml`]: `# yaml-language-server: $schema=../${SCHEMA_DIR}/workflow.schema.json
apiVersion: innominatus.io/v1
kind: Workflow
metadata:
  name: provision-${type}
  description: Create a ${type} (a ConfigMap holding its settings)
parameters:
  - name: name
    type: string
    required: true
    pattern: '^[a-z][a-z0-9-]*$'
  - name: namespace
    type: string
    required: true
  - name: size
    type: string
    enum: [small, large]
    default: small
vars:
  object_name: \${{ parameters.name + "-${type}" }}
steps:
  - name: apply-config
    type: kubernetes-apply
    with:
      manifests:
        - apiVersion: v1
          kind: ConfigMap
          metadata:
            name: \${{ vars.object_name }}
            namespace: \${{ parameters.namespace }}
          data:
            size: \${{ parameters.size }}
outputs:
  name: \${{ vars.object_name }}
  namespace: \${{ parameters.namespace }}
`,
    [`workflows/delete-${type}.yaml`]: `# yaml-language-server: $schema=../${SCHEMA_DIR}/workflow.schema.json
apiVersion: innominatus.io/v1
kind: Workflow
metadata:
  name: delete-${type}
  description: Delete a ${type}
parameters:
  - name: name
    type: string
    required: true
  - name: namespace
    type: string
    required: true
steps:
  - name: delete-config
    type: kubernetes-delete
    with:
      resource:
        apiVersion: v1
        kind: ConfigMap
        name: \${{ parameters.name + "-${type}" }}
        namespace: \${{ parameters.namespace }}
`,
    [`test/provider.test.ts`]: `import { describe, expect, it } from 'vitest';
import { loadProviderForTest, runWorkflow } from '@innominatus/provider-sdk/testing';
import { createMockCluster } from '@innominatus/steps-kubernetes/testing';

describe('${name}', () => {
  it('creates a ${type}', async () => {
    const provider = await loadProviderForTest(new URL('..', import.meta.url));
    const cluster = await createMockCluster({ namespaces: ['team-a'] });
    try {
      const run = await runWorkflow(provider, 'provision-${type}', {
        parameters: { name: 'demo', namespace: 'team-a' },
        cluster,
      });
      expect(run.outputs).toEqual({ name: 'demo-${type}', namespace: 'team-a' });
      expect(run.events.map((e) => e.event)).toContain('step:succeeded');
    } finally {
      await cluster.close();
    }
  });
});
`,
  };
}

/** Writes a new provider into `dir` (which must be empty or missing). Returns the exit code. */
export async function initCommand(dir: string, options: InitOptions, io: CliIo): Promise<number> {
  const target = resolve(io.cwd, dir);
  const existing = await readdir(target).catch(() => [] as string[]);
  if (existing.length > 0) throw new ProviderSdkError('USAGE', `'${dir}' is not empty; init writes into a new or empty folder`);
  const name = options.name ?? dnsLabel(basename(target));
  const type = options.type ?? 'example';
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name))
    throw new ProviderSdkError('USAGE', `provider name '${name}' must be a DNS label (lowercase letters, digits, '-'); pass --name`);
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(type)) throw new ProviderSdkError('USAGE', `resource type '${type}' must be lowercase letters, digits and '-'`);
  const workspace = await findSdkWorkspace(target);
  const files = scaffoldFiles(name, type, workspace ? 'workspace' : 'registry');
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(join(target, rel, '..'), { recursive: true });
    await writeFile(join(target, rel), content, { flag: 'wx' });
  }
  const shown = relative(io.cwd, target) || '.';
  const next = workspace
    ? `next: provider-sdk validate ${shown}\n      pnpm install   (links the workspace's SDK into it; the folder must match a glob of ${relative(io.cwd, join(workspace, 'pnpm-workspace.yaml')) || 'pnpm-workspace.yaml'})\n`
    : `next: provider-sdk validate ${shown}\n`;
  io.stdout(
    `created provider '${name}' in ${shown}:\n${Object.keys(files)
      .map((f) => `  ${f}`)
      .join('\n')}\n${next}`,
  );
  return 0;
}

/**
 * The root of the pnpm workspace that holds this SDK's own source, when the
 * new provider is created inside it (then its dependencies are `workspace:*`,
 * which pnpm links, instead of versions it would fetch from the registry).
 */
async function findSdkWorkspace(target: string): Promise<string | undefined> {
  let dir = resolve(target, '..');
  for (;;) {
    const manifest = await readFile(join(dir, 'packages', 'provider-sdk', 'package.json'), 'utf8').catch(() => undefined);
    if (manifest !== undefined && (await readFile(join(dir, 'pnpm-workspace.yaml'), 'utf8').catch(() => undefined)) !== undefined) {
      try {
        if ((JSON.parse(manifest) as { name?: string }).name === '@innominatus/provider-sdk') return dir;
      } catch {
        return undefined;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function dnsLabel(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 63) || 'my-provider'
  );
}
