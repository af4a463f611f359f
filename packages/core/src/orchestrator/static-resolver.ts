import { ProviderError } from '../errors';
import type { LoadedWorkflow, Workflow } from '../model/workflow';
import { compileParameterMapping } from '../providers/parameter-mapping';
import type { Operation } from '../store/types';
import type { OrchestratorResolution, ResourceResolver } from './types';

/**
 * A resolver from a fixed table `type → operation → workflow`, for tests and
 * small embeddings without provider files. Properties whose names the
 * workflow declares as parameters are passed through; `parameters` adds
 * mapping templates (`${{ resource.name }}`) per type.
 *
 * @example
 * const registry = staticResolver({ postgres: { create: createWf, delete: deleteWf } });
 */
export function staticResolver(
  table: Record<string, Partial<Record<Operation, Workflow | LoadedWorkflow>>>,
  parameters: Record<string, Record<string, unknown>> = {},
): ResourceResolver {
  const cache = new Map<string, OrchestratorResolution>();
  return {
    resolve(type, operation) {
      const key = `${type}\u0000${operation}`;
      const hit = cache.get(key);
      if (hit) return hit;
      const found = table[type]?.[operation];
      if (!found) {
        if (!table[type]) throw new ProviderError('PROVIDER_NOT_FOUND', `no provider offers resource type '${type}'`);
        throw new ProviderError('OPERATION_NOT_SUPPORTED', `resource type '${type}' has no '${operation}' workflow`);
      }
      const workflow: LoadedWorkflow = 'kind' in found ? { workflow: found } : found;
      const resolution: OrchestratorResolution = {
        providerName: 'static',
        workflowName: workflow.workflow.metadata.name,
        workflow,
        mapping: compileParameterMapping(parameters[type], workflow),
      };
      cache.set(key, resolution);
      return resolution;
    },
  };
}
