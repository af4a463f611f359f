import type { StepRegistry } from '@innominatus/core';
import { formatDiagnostic } from '../diagnostics/diagnostic';
import { ProviderSdkError } from '../errors';
import { deriveRbac } from '../rbac/derive-rbac';
import { renderClusterRole } from '../rbac/render-rbac';
import type { CliIo } from './cli-io';
import { loadCrdFiles } from './load-crd-files';
import { writeGenerated, type GeneratedOutputOptions } from './generated-output';
import { loadValidProvider } from './valid-provider';

/** Options of the `rbac` command. */
export interface RbacCommandOptions extends GeneratedOutputOptions {
  steps: StepRegistry;
  /** The ClusterRole's name (default `innominatus-<provider>`). */
  name?: string;
  /** `namespace/name` of the service account to bind it to. */
  serviceAccount?: string;
  /** `--plural Kind.group=plural`: resource names the guess gets wrong. */
  plural?: string[];
  /** `--crd <file>`: CRD files whose kinds take the plural the CRD declares (`spec.names.plural`). */
  crd?: string[];
}

/**
 * Prints (or writes into a README's marked section) the ClusterRole the
 * provider's steps need. A kind's resource name is, in this order: the one
 * `--plural` gives, the `spec.names.plural` of a CRD given with `--crd`, the
 * guess from the kind. Returns the exit code.
 */
export async function rbacCommand(dir: string, options: RbacCommandOptions, io: CliIo): Promise<number> {
  if (options.serviceAccount !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(options.serviceAccount)) {
    throw new ProviderSdkError('USAGE', `--service-account must be NAMESPACE/NAME (got '${options.serviceAccount}')`);
  }
  const crds = await loadCrdFiles(options.crd ?? [], io.cwd);
  if (crds.diagnostics.length > 0) {
    for (const d of crds.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    return 1;
  }
  const plurals: Record<string, string> = {};
  for (const crd of crds.schemas?.crds ?? []) plurals[`${crd.kind}.${crd.group}`] = crd.plural;
  for (const p of options.plural ?? []) {
    const m = /^([A-Za-z][A-Za-z0-9]*(?:\.[a-z0-9.-]+)?)=([a-z][a-z0-9]*)$/.exec(p);
    if (!m) throw new ProviderSdkError('USAGE', `--plural must be Kind.group=plural, e.g. Redis.redis.redis.opstreelabs.in=redis (got '${p}')`);
    plurals[m[1]!] = m[2]!;
  }
  const provider = await loadValidProvider(dir, options.steps, io, 'deriving its RBAC');
  if (!provider) return 1;
  const name = options.name ?? `innominatus-${provider.provider.metadata.name}`;
  const yaml = renderClusterRole(await deriveRbac(provider, { plurals }), {
    name,
    header: `The permissions the steps of provider ${provider.provider.metadata.name} need (provider-sdk rbac).`,
    ...(options.serviceAccount ? { serviceAccount: options.serviceAccount } : {}),
  });
  return writeGenerated('rbac', yaml, (c) => `\`\`\`yaml\n${c}\`\`\`\n`, options, io);
}
