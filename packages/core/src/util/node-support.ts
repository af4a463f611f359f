import { InnominatusError } from '../errors';

/**
 * The Node.js versions the `@innominatus` packages run on: the first that can
 * `require()` an ES module without a flag. `@kubernetes/client-node` is
 * ESM-only and the packages load it with `require` (synchronously, from the
 * CommonJS builds too). Every package's `engines.node` says the same (a test
 * keeps them equal).
 */
export const SUPPORTED_NODE = '^20.19.0 || >=22.12.0';

/** What {@link checkNodeSupport} reads of the running Node.js (injectable for tests). */
export interface NodeRuntime {
  /** `process.version`, e.g. `v20.18.3`. */
  version: string;
  /** `process.features.require_module`: true where `require()` loads ES modules. */
  requireModule: boolean | undefined;
}

const running = (): NodeRuntime => ({
  version: process.version,
  requireModule: (process.features as { require_module?: boolean }).require_module,
});

/**
 * Throws `NODE_UNSUPPORTED` when this Node.js cannot `require()` an ES module,
 * naming the running version and {@link SUPPORTED_NODE}, instead of the
 * `require() of ES Module` failure that would come later. `what` names the
 * package or tool that needs it.
 */
export function checkNodeSupport(what: string, runtime: NodeRuntime = running()): void {
  if (runtime.requireModule === true) return;
  throw new InnominatusError(
    'NODE_UNSUPPORTED',
    `${what} needs Node.js ${SUPPORTED_NODE} (a Node.js that can require() ES modules); this is Node.js ${runtime.version}: upgrade Node.js`,
  );
}
