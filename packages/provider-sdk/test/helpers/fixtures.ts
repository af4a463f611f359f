import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The throwaway folders made by the test file running now. */
const made: string[] = [];

/**
 * Removes the throwaway folders made so far: after each test file (the setup
 * file remove-folders.ts registers it for every file, also when files share
 * a process and this module is loaded once for all of them).
 */
export async function removeThrowawayFolders(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Writes a throwaway folder from a map of relative path → contents (removed after the test file, see {@link removeThrowawayFolders}); returns its path. */
export async function writeTree(files: Record<string, string | Uint8Array>, parent?: string): Promise<string> {
  const dir = parent ?? (await mkdtemp(join(tmpdir(), 'provider-sdk-')));
  if (parent === undefined) made.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    const p = join(dir, rel);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, content);
  }
  return dir;
}

/** A valid provider.yaml serving `postgres` (alias `postgresql`) with three workflows. */
export const PROVIDER_YAML = `apiVersion: v1
kind: Provider
metadata:
  name: database-team
  version: 1.0.0
  category: data
compatibility:
  minCoreVersion: 1.0.0
  maxCoreVersion: 2.0.0
capabilities:
  resourceTypeCapabilities:
    - type: postgres
      operations:
        create:
          workflow: provision-postgres
          parameters:
            db_name: \${{ resource.name }}
            namespace: \${{ resource.application }}
        delete:
          workflow: delete-postgres
          parameters:
            db_name: \${{ resource.name }}
    - type: postgresql
      aliasFor: postgres
workflows:
  - name: provision-postgres
    file: ./workflows/provision-postgres.yaml
    operation: create
  - name: delete-postgres
    file: ./workflows/delete-postgres.yaml
    operation: delete
`;

/** A valid create workflow using the test steps. */
export const PROVISION_YAML = `apiVersion: innominatus.io/v1
kind: Workflow
metadata:
  name: provision-postgres
parameters:
  - name: db_name
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
  - name: replicas
    type: integer
    default: 1
vars:
  sizes:
    small: { storage: 5Gi }
    large: { storage: 50Gi }
  cluster_name: \${{ parameters.namespace + "-" + parameters.db_name }}
steps:
  - name: create-cluster
    type: test-apply
    with:
      manifest:
        kind: postgresql
        metadata: { name: "\${{ vars.cluster_name }}" }
        spec:
          volume: \${{ vars.sizes[parameters.size] }}
      replicas: \${{ parameters.replicas }}
  - name: wait
    type: test-wait
    with:
      name: \${{ steps["create-cluster"].outputs.name }}
      successWhen: object.status == "Running"
  - name: get-credentials
    type: test-credentials
    with:
      name: \${{ vars.cluster_name }}
outputs:
  host: \${{ vars.cluster_name + "." + parameters.namespace + ".svc" }}
  uid: \${{ steps["create-cluster"].outputs.uid }}
  username: \${{ steps["get-credentials"].outputs.data.username }}
  password:
    value: \${{ steps["get-credentials"].outputs.data.password }}
    sensitive: true
`;

/** A valid delete workflow. */
export const DELETE_YAML = `apiVersion: innominatus.io/v1
kind: Workflow
metadata:
  name: delete-postgres
parameters:
  - name: db_name
    type: string
    required: true
steps:
  - name: remove
    type: test-apply
    with:
      manifest: { kind: deletion, metadata: { name: "\${{ parameters.db_name }}" } }
`;

/** Writes the valid database-team provider; `overrides` replace or add files. */
export function writeProvider(overrides: Record<string, string | Uint8Array> = {}): Promise<string> {
  return writeTree({
    'provider.yaml': PROVIDER_YAML,
    'workflows/provision-postgres.yaml': PROVISION_YAML,
    'workflows/delete-postgres.yaml': DELETE_YAML,
    ...overrides,
  });
}
