import { createRequire } from 'node:module';
import { checkNodeSupport } from '@innominatus/core/internal';

/** The `@kubernetes/client-node` module. */
export type ClientNode = typeof import('@kubernetes/client-node');

let loaded: ClientNode | undefined;

/**
 * `@kubernetes/client-node`, loaded on first call. It takes most of a second
 * to load, and nothing needs it until a client or a KubeConfig is made: step
 * definitions (validation, schemas) import this package without it.
 *
 * Loaded with `require`, which on Node >= 20.19 loads ES modules synchronously,
 * so `createKubernetesClient` and `loadKubeConfig` stay synchronous. Plain Node
 * shares the module with `import`; some loaders (tsx) give `require` its own
 * copy, so nothing here relies on `instanceof` against a caller's objects.
 * On an older Node.js it throws core's `NODE_UNSUPPORTED` (naming the running
 * version and the supported ones) instead of `require() of ES Module`.
 */
export function clientNode(): ClientNode {
  if (!loaded) {
    checkNodeSupport('@innominatus/steps-kubernetes');
    // import.meta is empty in the CommonJS build, where __filename is defined.
    loaded = createRequire(import.meta.url ?? __filename)('@kubernetes/client-node') as ClientNode;
  }
  return loaded;
}
