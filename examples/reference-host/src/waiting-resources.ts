import { reapplyStoredSpec } from './apply-spec';
import type { HostServices } from './host-services';

/**
 * Creates waiting resources when what they wait for is there: whenever a
 * resource of an application becomes active (its outputs may now fill
 * another resource's params) or is gone (a resource replaced under the same
 * name can now be created), the application's stored spec is applied again
 * (creates and updates only, never deletes). Returns the function that stops it.
 */
export function createWaitingResources(services: HostServices): () => void {
  return services.hub.subscribe((e) => {
    if (e.kind !== 'resource' || (e.to !== 'active' && e.to !== 'terminated')) return;
    void reapplyStoredSpec(services, e.application).then(
      (applied) => {
        for (const c of applied ?? [])
          services.logger.info(
            { application: e.application, resource: c.name, action: c.action },
            `waiting resource ${e.application}/${c.name}: ${c.action} requested (${c.reason})`,
          );
      },
      (err: Error) =>
        services.logger.warn(
          { application: e.application, code: (err as { code?: string }).code },
          `waiting resources of ${e.application} could not be applied: ${err.message}`,
        ),
    );
  });
}
