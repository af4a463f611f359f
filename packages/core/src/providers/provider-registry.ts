import { ProviderError } from '../errors';
import type { LoadedWorkflow } from '../model/workflow';
import { compileParameterMapping, type ParameterMapping } from './parameter-mapping';
import type { LoadedProvider, OperationSpec, ProviderOperation, ResourceTypeCapability } from './provider-model';

/** What {@link ProviderRegistry.resolve} returns: who serves a request and how. */
export interface Resolution {
  provider: LoadedProvider;
  providerName: string;
  /** The type as requested (may be an alias). */
  type: string;
  /** The type after following `aliasFor`. */
  resolvedType: string;
  operation: ProviderOperation;
  workflowName: string;
  workflow: LoadedWorkflow;
  /** The operation's parameter mapping; pass the resolution to `mapParameters`. */
  mapping: ParameterMapping;
}

/** Options of {@link ProviderRegistry.resolve}. */
export interface ResolveOptions {
  /** With an operation offering several workflows: pick the first whose tags include all of these. */
  tags?: readonly string[];
}

interface Claim {
  provider: LoadedProvider;
  /** The capability that serves the type (the alias target's for an alias). */
  capability?: ResourceTypeCapability;
  /** Legacy `resourceTypes` entry: create only, with the provider's create workflow. */
  legacy: boolean;
}

/**
 * Knows which provider serves which resource type. Pure logic: providers are
 * loaded elsewhere (the provider SDK) and registered here. Conflicts (two
 * providers claiming one type, directly or through an alias) are reported at
 * registration, naming both.
 *
 * @example
 * const registry = new ProviderRegistry();
 * registry.register(loaded);
 * const r = registry.resolve('postgres', 'create');
 * const parameters = mapParameters(r, resource);
 */
export class ProviderRegistry {
  readonly #providers = new Map<string, LoadedProvider>();
  readonly #claims = new Map<string, Claim>();
  readonly #mappings = new Map<string, ParameterMapping>();

  /**
   * Adds a provider. Nothing is registered when it throws.
   *
   * @throws ProviderError `PROVIDER_CONFLICT` for a name or type already taken,
   *   `OPERATION_NOT_SUPPORTED` when an operation names a workflow that is not loaded.
   */
  register(loaded: LoadedProvider): this {
    const name = loaded.provider.metadata.name;
    if (this.#providers.has(name)) {
      throw new ProviderError('PROVIDER_CONFLICT', `provider '${name}' is already registered`);
    }
    const claims = providerClaims(loaded);
    for (const [type, claim] of claims) {
      const other = this.#claims.get(type);
      if (other) {
        const how = (c: Claim, p: string) => (c.capability && c.capability.type !== type ? `'${p}' (alias for '${c.capability.type}')` : `'${p}'`);
        throw new ProviderError(
          'PROVIDER_CONFLICT',
          `resource type '${type}' is claimed by providers ${how(other, other.provider.provider.metadata.name)} and ${how(claim, name)}`,
        );
      }
    }
    const mappings = new Map<string, ParameterMapping>();
    for (const [type, claim] of claims) {
      for (const [operation, spec] of Object.entries(claim.capability?.operations ?? {}) as Array<[ProviderOperation, OperationSpec]>) {
        for (const wf of operationWorkflows(spec)) {
          const workflow = loaded.workflows.get(wf);
          if (!workflow) {
            throw new ProviderError('OPERATION_NOT_SUPPORTED', `provider '${name}': operation '${operation}' of '${type}' names workflow '${wf}', which is not loaded`);
          }
          mappings.set(mappingKey(name, claim.capability!.type, operation, wf), compileParameterMapping(spec.parameters, workflow));
        }
      }
    }
    this.#providers.set(name, loaded);
    for (const [type, claim] of claims) this.#claims.set(type, claim);
    for (const [k, m] of mappings) this.#mappings.set(k, m);
    return this;
  }

  /**
   * Who serves `operation` of `type`.
   *
   * @throws ProviderError `PROVIDER_NOT_FOUND` (`no provider found for resource type 'x'`) or
   *   `OPERATION_NOT_SUPPORTED` (`provider 'p' has no workflow for operation 'delete' of 'x'`).
   */
  resolve(type: string, operation: ProviderOperation, options: ResolveOptions = {}): Resolution {
    const claim = this.#claims.get(type);
    if (!claim) throw new ProviderError('PROVIDER_NOT_FOUND', `no provider found for resource type '${type}'`);
    const loaded = claim.provider;
    const providerName = loaded.provider.metadata.name;
    const missing = () => new ProviderError('OPERATION_NOT_SUPPORTED', `provider '${providerName}' has no workflow for operation '${operation}' of '${type}'`);
    const spec = claim.capability?.operations?.[operation];
    let workflowName: string | undefined;
    let mapping: ParameterMapping | undefined;
    if (spec) {
      workflowName = pickWorkflow(spec, options.tags);
      if (workflowName) mapping = this.#mappings.get(mappingKey(providerName, claim.capability!.type, operation, workflowName));
    } else if (claim.legacy && operation === 'create') {
      workflowName = legacyCreateWorkflow(loaded);
    }
    const workflow = workflowName === undefined ? undefined : loaded.workflows.get(workflowName);
    if (!workflowName || !workflow) throw missing();
    mapping ??= compileParameterMapping(undefined, workflow);
    return {
      provider: loaded,
      providerName,
      type,
      resolvedType: claim.capability?.type ?? type,
      operation,
      workflowName,
      workflow,
      mapping,
    };
  }

  /** The registered provider of that name. */
  get(name: string): LoadedProvider | undefined {
    return this.#providers.get(name);
  }

  /** Every registered provider, in registration order. */
  list(): LoadedProvider[] {
    return [...this.#providers.values()];
  }

  /** Every resource type served (aliases included), sorted. */
  types(): string[] {
    return [...this.#claims.keys()].sort();
  }

  /** The name of the provider serving a type, or undefined. */
  providerOf(type: string): string | undefined {
    return this.#claims.get(type)?.provider.provider.metadata.name;
  }
}

/** The types a provider claims: its capabilities, their aliases, and legacy `resourceTypes`. */
function providerClaims(loaded: LoadedProvider): Map<string, Claim> {
  const caps = loaded.provider.capabilities?.resourceTypeCapabilities ?? [];
  const direct = new Map(caps.filter((c) => !c.aliasFor).map((c) => [c.type, c]));
  const claims = new Map<string, Claim>();
  const name = loaded.provider.metadata.name;
  for (const cap of caps) {
    let capability: ResourceTypeCapability | undefined = cap;
    if (cap.aliasFor !== undefined) {
      capability = direct.get(cap.aliasFor);
      if (!capability) {
        throw new ProviderError('PROVIDER_NOT_FOUND', `provider '${name}': '${cap.type}' is an alias for '${cap.aliasFor}', which the provider does not serve`);
      }
    }
    if (claims.has(cap.type)) throw new ProviderError('PROVIDER_CONFLICT', `provider '${name}' lists resource type '${cap.type}' twice`);
    claims.set(cap.type, { provider: loaded, capability, legacy: false });
  }
  for (const type of loaded.provider.capabilities?.resourceTypes ?? []) {
    if (!claims.has(type)) claims.set(type, { provider: loaded, legacy: true });
  }
  return claims;
}

function operationWorkflows(spec: OperationSpec): string[] {
  if (spec.workflow !== undefined) return [spec.workflow];
  return (spec.workflows ?? []).map((w) => w.name);
}

function pickWorkflow(spec: OperationSpec, tags: readonly string[] | undefined): string | undefined {
  if (spec.workflow !== undefined) return spec.workflow;
  const choices = spec.workflows ?? [];
  if (tags && tags.length > 0) {
    const match = choices.find((c) => tags.every((t) => c.tags?.includes(t)));
    if (match) return match.name;
  }
  return spec.default ?? choices[0]?.name;
}

/** The workflow legacy `resourceTypes` use: the first provisioner whose operation is create (or unset). */
function legacyCreateWorkflow(loaded: LoadedProvider): string | undefined {
  const refs = loaded.provider.workflows ?? [];
  const pick =
    refs.find((w) => (w.category ?? 'provisioner') === 'provisioner' && (w.operation ?? 'create') === 'create') ?? undefined;
  return pick?.name;
}

function mappingKey(provider: string, type: string, operation: string, workflow: string): string {
  return JSON.stringify([provider, type, operation, workflow]);
}
