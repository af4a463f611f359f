import { analyzeProvider } from '../analysis/analyze-provider';
import type { AnalysisIssue } from '../analysis/issues';
import { ProviderError } from '../errors';
import type { LoadedWorkflow } from '../model/workflow';
import { DEFAULT_CLASS } from './default-class';
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
  /** The class of the type asked for (default {@link DEFAULT_CLASS}). */
  class?: string;
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
  /** Type → class → who serves it. */
  readonly #claims = new Map<string, Map<string, Claim>>();
  readonly #mappings = new Map<string, ParameterMapping>();

  /**
   * Adds a provider. Nothing is registered when it throws.
   *
   * @throws ProviderError `PROVIDER_CONFLICT` for a name or type already taken,
   *   and for any error of `analyzeProvider` (an operation naming a workflow
   *   that is not loaded is `OPERATION_NOT_SUPPORTED`, a mapping that does not
   *   fit its workflow `PROVIDER_INVALID`), naming the provider.
   */
  register(loaded: LoadedProvider): this {
    const name = loaded.provider.metadata.name;
    if (this.#providers.has(name)) {
      throw new ProviderError('PROVIDER_CONFLICT', `provider '${name}' is already registered`);
    }
    const workflows = new Map([...loaded.workflows].map(([k, w]) => [k, w.workflow]));
    const problem = analyzeProvider(loaded.provider, workflows, { requireLoaded: true }).find((i) => i.severity === 'error');
    if (problem) throw new ProviderError(REGISTRY_CODES[problem.code] ?? 'PROVIDER_INVALID', `provider '${name}': ${problem.message}`);
    const claims = providerClaims(loaded);
    for (const [key, claim] of claims) {
      const [type, cls] = JSON.parse(key) as [string, string];
      const other = this.#claims.get(type)?.get(cls);
      if (other) {
        const how = (c: Claim, p: string) => (c.capability && c.capability.type !== type ? `'${p}' (alias for '${c.capability.type}')` : `'${p}'`);
        const what = cls === DEFAULT_CLASS ? `resource type '${type}'` : `class '${cls}' of resource type '${type}'`;
        throw new ProviderError(
          'PROVIDER_CONFLICT',
          `${what} is claimed by providers ${how(other, other.provider.provider.metadata.name)} and ${how(claim, name)}`,
        );
      }
    }
    const mappings = new Map<string, ParameterMapping>();
    for (const [key, claim] of claims) {
      const [type, cls] = JSON.parse(key) as [string, string];
      for (const [operation, spec] of Object.entries(claim.capability?.operations ?? {}) as Array<[ProviderOperation, OperationSpec]>) {
        for (const wf of operationWorkflows(spec)) {
          const workflow = loaded.workflows.get(wf)!;
          mappings.set(mappingKey(name, claim.capability!.type, cls, operation, wf), compileParameterMapping(spec.parameters, workflow));
        }
      }
    }
    this.#providers.set(name, loaded);
    for (const [key, claim] of claims) {
      const [type, cls] = JSON.parse(key) as [string, string];
      let byClass = this.#claims.get(type);
      if (!byClass) {
        byClass = new Map();
        this.#claims.set(type, byClass);
      }
      byClass.set(cls, claim);
    }
    for (const [k, m] of mappings) this.#mappings.set(k, m);
    return this;
  }

  /**
   * Who serves `operation` of `type` (in `options.class`, default `default`).
   *
   * @throws ProviderError `PROVIDER_NOT_FOUND` (`no provider found for resource type 'x'`, or
   *   for class 'c' of it, naming the classes served) or
   *   `OPERATION_NOT_SUPPORTED` (`provider 'p' has no workflow for operation 'delete' of 'x'`).
   */
  resolve(type: string, operation: ProviderOperation, options: ResolveOptions = {}): Resolution {
    const byClass = this.#claims.get(type);
    if (!byClass) throw new ProviderError('PROVIDER_NOT_FOUND', `no provider found for resource type '${type}'`);
    const cls = options.class ?? DEFAULT_CLASS;
    const claim = byClass.get(cls);
    if (!claim) {
      throw new ProviderError(
        'PROVIDER_NOT_FOUND',
        `no provider serves class '${cls}' of resource type '${type}'; its classes: ${[...byClass.keys()].sort().join(', ')}`,
      );
    }
    const loaded = claim.provider;
    const providerName = loaded.provider.metadata.name;
    const missing = () => new ProviderError('OPERATION_NOT_SUPPORTED', `provider '${providerName}' has no workflow for operation '${operation}' of '${type}'`);
    const spec = claim.capability?.operations?.[operation];
    let workflowName: string | undefined;
    let mapping: ParameterMapping | undefined;
    if (spec) {
      workflowName = pickWorkflow(spec, options.tags);
      if (workflowName) mapping = this.#mappings.get(mappingKey(providerName, claim.capability!.type, cls, operation, workflowName));
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

  /** The classes a type is served in, sorted (empty for a type no provider serves). */
  classes(type: string): string[] {
    return [...(this.#claims.get(type)?.keys() ?? [])].sort();
  }

  /** The name of the provider serving a type (in a class, default `default`), or undefined. */
  providerOf(type: string, cls: string = DEFAULT_CLASS): string | undefined {
    return this.#claims.get(type)?.get(cls)?.provider.provider.metadata.name;
  }
}

/** The (type, class) pairs a provider claims, keyed `JSON.stringify([type, class])`: its capabilities, their aliases, and legacy `resourceTypes`. */
function providerClaims(loaded: LoadedProvider): Map<string, Claim> {
  const caps = loaded.provider.capabilities?.resourceTypeCapabilities ?? [];
  const direct = caps.filter((c) => !c.aliasFor);
  const claims = new Map<string, Claim>();
  const classesOf = (c: ResourceTypeCapability) => c.classes ?? [DEFAULT_CLASS];
  // The provider passed analyzeProvider: every alias names a served type, no (type, class) is listed twice.
  for (const cap of caps) {
    const served = cap.aliasFor === undefined ? [cap] : direct.filter((d) => d.type === cap.aliasFor);
    for (const capability of served) {
      for (const cls of classesOf(capability)) claims.set(JSON.stringify([cap.type, cls]), { provider: loaded, capability, legacy: false });
    }
  }
  for (const type of loaded.provider.capabilities?.resourceTypes ?? []) {
    const key = JSON.stringify([type, DEFAULT_CLASS]);
    if (!claims.has(key)) claims.set(key, { provider: loaded, legacy: true });
  }
  return claims;
}

/** Codes of the registry's errors for the analysis's issues (others: `PROVIDER_INVALID`). */
const REGISTRY_CODES: Partial<Record<AnalysisIssue['code'], 'PROVIDER_CONFLICT' | 'PROVIDER_NOT_FOUND' | 'OPERATION_NOT_SUPPORTED'>> = {
  DUPLICATE_TYPE: 'PROVIDER_CONFLICT',
  ALIAS_TARGET_MISSING: 'PROVIDER_NOT_FOUND',
  WORKFLOW_NOT_FOUND: 'OPERATION_NOT_SUPPORTED',
};

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
  const pick = refs.find((w) => (w.category ?? 'provisioner') === 'provisioner' && (w.operation ?? 'create') === 'create') ?? undefined;
  return pick?.name;
}

function mappingKey(provider: string, type: string, cls: string, operation: string, workflow: string): string {
  return JSON.stringify([provider, type, cls, operation, workflow]);
}
