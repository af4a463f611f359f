import type { JSONSchemaProps, LoadedCrd, PrinterColumn } from '../crd/index';

/** A Kubernetes object as the mock cluster stores it (plain JSON). */
export interface MockObject {
  apiVersion: string;
  kind: string;
  metadata: MockObjectMeta;
  [field: string]: unknown;
}

/** The metadata the mock cluster maintains. */
export interface MockObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  [field: string]: unknown;
}

/** A kind the mock cluster serves. Register custom resources with `cluster.registerKind`. */
export interface KindSpec {
  /** API group; `''` for the core group. */
  group: string;
  version: string;
  kind: string;
  /** Lower-case plural used in paths, e.g. `postgresqls`. */
  plural: string;
  namespaced: boolean;
  /** Singular name for discovery (default: lower-case kind). */
  singular?: string;
  shortNames?: string[];
  /** Serve `status` as a separate subresource (default true for custom kinds). */
  statusSubresource?: boolean;
  /** Categories for discovery (`kubectl get all` uses `all`). */
  categories?: string[];
  /** Whether objects have `metadata.generation` (default true for custom kinds; ConfigMaps, Secrets, Services... have none). */
  generation?: boolean;
  /** `kubectl get` columns after NAME (a CRD's `additionalPrinterColumns`); default AGE. */
  printerColumns?: PrinterColumn[];
  /** The OpenAPI schema of the kind, served in `/openapi/v2` and `/openapi/v3` (default: any object). */
  schema?: JSONSchemaProps;
  /**
   * Validates an object before it is stored (like a CRD's OpenAPI schema).
   * Return the problems as `field: message` strings; any problem answers 422.
   */
  validate?: (object: MockObject) => string[];
}

/** A registered kind with its defaults filled in. */
export interface ResolvedKind extends Required<Omit<KindSpec, 'validate' | 'schema'>> {
  validate?: (object: MockObject) => string[];
  /** `group/version`, or `version` for the core group. */
  apiVersion: string;
  /** The OpenAPI schema served for the kind. */
  schema?: JSONSchemaProps;
  /** The CustomResourceDefinition that serves this kind (its schema is enforced), when it came from one. */
  crd?: LoadedCrd;
  /** A built-in kind (strategic merge patches are accepted). */
  builtin: boolean;
}

/** What a watcher or hook sees when an object changes. */
export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: MockObject;
  /** The object before the change (MODIFIED and DELETED). */
  previous?: MockObject;
  kind: ResolvedKind;
  resourceVersion: number;
  /** For DELETED: how dependents are treated (`Orphan` keeps them). */
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
}

/** One answered request in `cluster.requests`. */
export interface LoggedRequest {
  /** HTTP method. */
  method: string;
  /** Kubernetes verb: get, list, watch, create, update, patch, delete, discovery, unknown. */
  verb: string;
  /** Path without query string. */
  path: string;
  query: Record<string, string>;
  status: number;
  /** Milliseconds since the epoch when it arrived. */
  time: number;
}

/** A transport-neutral request the API handler answers. */
export interface MockRequest {
  method: string;
  /** Path with query string. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A transport-neutral response: a body, a stream (watch), or a connection reset. */
export type MockResponse =
  | { status: number; headers: Record<string, string>; body: string }
  | { status: number; headers: Record<string, string>; stream: import('node:stream').Readable }
  | { reset: true };
