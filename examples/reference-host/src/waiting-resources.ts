import { reapplyStoredSpec } from './apply-spec';
import { sharedUsersOf } from './spec-resources';
import { SHARED_APPLICATION } from './score/shared-resources';
import type { HostServices } from './host-services';

/**
 * Creates waiting resources when what they wait for is there: whenever a
 * resource of an application becomes active (its outputs may now fill
 * another resource's params) or is gone (a resource replaced under the same
 * name can now be created), the application's stored spec is applied again
 * (creates and updates only, never deletes); for a shared resource, the spec
 * of every application declaring it. Returns the function that stops it.
 */
export function createWaitingResources(services: HostServices): () => void {
  return services.hub.subscribe((e) => {
    if (e.kind !== 'resource' || (e.to !== 'active' && e.to !== 'terminated')) return;
    // A shared resource's outputs may fill params of every application declaring it.
    const applications = e.application === SHARED_APPLICATION ? usersOf(services, e.resourceId) : Promise.resolve([e.application]);
    void applications
      .then((names) => Promise.all(names.map((application) => reapply(services, application))))
      .catch((err: Error) => services.logger.warn({ resource: e.name }, `applications sharing ${e.name} could not be found: ${err.message}`));
  });
}

function reapply(services: HostServices, application: string): Promise<void> {
  return reapplyStoredSpec(services, application).then(
    (applied) => {
      for (const c of applied ?? [])
        services.logger.info(
          { application, resource: c.name, action: c.action },
          `waiting resource ${application}/${c.name}: ${c.action} requested (${c.reason})`,
        );
    },
    (err: Error) =>
      services.logger.warn({ application, code: (err as { code?: string }).code }, `waiting resources of ${application} could not be applied: ${err.message}`),
  );
}

/** The applications declaring shared resource `id` (none when it is gone). */
async function usersOf(services: HostServices, id: string): Promise<string[]> {
  const record = await services.store.getResource(id);
  return record ? sharedUsersOf(services.store, record) : [];
}
