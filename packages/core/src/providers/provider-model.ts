import type { LoadedWorkflow, ParameterSpec, SourceMap } from '../model/workflow';
import type { Operation } from '../store/types';

/** The operations a resource type capability can offer: the lifecycle's three and `read`. */
export type ProviderOperation = Operation | 'read';

/** Every operation name, in lifecycle order. */
export const PROVIDER_OPERATIONS: readonly ProviderOperation[] = Object.freeze(['create', 'read', 'update', 'delete']);

/** One choice of an operation that offers several workflows (`workflows: [{ name, tags }]`). */
export interface WorkflowChoice {
  name: string;
  tags?: string[];
}

/**
 * How a provider serves one operation of a resource type: a single `workflow`,
 * or several `workflows` with a `default`. `parameters` maps workflow
 * parameters to `${{ resource.* }}` expressions over the request.
 */
export interface OperationSpec {
  workflow?: string;
  workflows?: WorkflowChoice[];
  /** With `workflows`: the one used when the request asks for no tags. Default: the first. */
  default?: string;
  /** Workflow parameter → value or `${{ resource.* }}` template. */
  parameters?: Record<string, unknown>;
  /** Workflow parameters that are expected to come from the resource's properties. */
  fromProperties?: string[];
}

/** A resource type a provider serves, or an alias for one (`aliasFor`). */
export interface ResourceTypeCapability {
  type: string;
  /**
   * The classes (Score's specialisations of a type, e.g. `large`) this
   * capability serves; default `['default']`. Two providers may serve one
   * type in different classes. An alias serves the classes of its target.
   */
  classes?: string[];
  description?: string;
  operations?: Partial<Record<ProviderOperation, OperationSpec>>;
  /** This type is another name for a type of the same provider. */
  aliasFor?: string;
}

/** A workflow a provider ships (`workflows[]` of provider.yaml). */
export interface ProviderWorkflowRef {
  name: string;
  /** Path of the workflow YAML, relative to the provider folder. */
  file: string;
  description?: string;
  category?: 'provisioner' | 'goldenpath';
  operation?: ProviderOperation;
  version?: string;
  tags?: string[];
}

/** A step type a provider needs (`requires.steps[]` of provider.yaml). */
export interface RequiredStep {
  type: string;
  /** A semver range the registered step type's `version` must satisfy. */
  version?: string;
  /** Where to get it (a package name or URL), for the error when it is missing. */
  from?: string;
}

/** A provider document (provider.yaml), a superset of the Go innominatus format. */
export interface Provider {
  apiVersion: string;
  /** `Platform` is the legacy name, accepted with a warning by the SDK. */
  kind: 'Provider' | 'Platform';
  metadata: {
    name: string;
    version: string;
    category?: string;
    description?: string;
    author?: string;
    tags?: string[];
  };
  compatibility?: { minCoreVersion?: string; maxCoreVersion?: string };
  /** What the provider needs from the host: step types (with a semver range, and where to get them). */
  requires?: { steps?: RequiredStep[] };
  capabilities?: {
    resourceTypeCapabilities?: ResourceTypeCapability[];
    /** Legacy form: these types are served by the provider's create (provisioner) workflow. */
    resourceTypes?: string[];
  };
  /**
   * Parameters every workflow of the provider has (before its own), so that
   * create, update and delete declare them once.
   */
  parameters?: ParameterSpec[];
  /**
   * Vars every workflow of the provider can read (e.g. the naming rule of the
   * objects it makes). They read only these shared parameters, other shared
   * vars, `resource` and `run`.
   */
  vars?: Record<string, unknown>;
  workflows: ProviderWorkflowRef[];
}

/** A provider with its workflows loaded (by the provider SDK, or built in memory). */
export interface LoadedProvider {
  provider: Provider;
  /**
   * Workflow name (as in `workflows[].name`) → the loaded workflow, combined
   * with the provider's shared `parameters` and `vars` (`withSharedDefinitions`).
   */
  workflows: Map<string, LoadedWorkflow>;
  /** Where provider.yaml came from. */
  source?: SourceMap;
  /** The folder the provider was loaded from. */
  location?: string;
  /** The git commit the provider was pinned to, when it came from a repository. */
  commit?: string;
}
