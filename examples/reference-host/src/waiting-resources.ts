import { reapplyStoredSpec } from './apply-spec';
import { sharedUsersOf } from './spec-resources';
import { SHARED_APPLICATION } from './score/shared-resources';
import type { HostServices } from './host-services';
import type { ScoreSpec } from './score/score-spec';
import { storedScore } from './score/stored-score';

/**
 * Creates waiting resources when what they wait for is there: whenever a
 * resource of an application becomes active (its outputs may now fill
 * another resource's params) or is gone (a resource replaced under the same
 * name can now be created), the application's stored spec is applied again
 * (creates and updates only, never deletes); for a shared resource, the spec
 * of every application declaring it. The applications of a burst of such
 * events are applied again together: while an application's spec is being
 * applied again, further events for it make one more pass once it is done,
 * not one each (a hundred resources of one spec going active re-plan it a
 * few times, not a hundred). Returns the function that stops it.
 */
export function createWaitingResources(services: HostServices): () => void {
  // A resource gone may free its name for one replacing it; one going active matters only to a spec whose resources read others' outputs.
  const onGone = coalesced((application) => reapply(services, application));
  const onActive = coalesced(async (application) => {
    const stored = await storedScore(services.store, application).catch(() => undefined);
    if (!stored || mayReadOutputs(stored.spec)) await reapply(services, application);
  });
  return services.hub.subscribe((e) => {
    if (e.kind !== 'resource' || (e.to !== 'active' && e.to !== 'terminated')) return;
    // A shared resource's outputs may fill params of every application declaring it.
    const applications = e.application === SHARED_APPLICATION ? usersOf(services, e.resourceId) : Promise.resolve([e.application]);
    void applications
      .then((names) => {
        for (const application of names) (e.to === 'active' ? onActive : onGone)(application);
      })
      .catch((err: Error) => services.logger.warn({ resource: e.name }, `applications sharing ${e.name} could not be found: ${err.message}`));
  });
}

/**
 * Whether a resource of `spec` may read another's outputs: a `${resources.`
 * placeholder anywhere in its resources. A superset of the dependencies the
 * placeholder check finds (a false positive costs one pass, nothing else),
 * and far cheaper than planning the spec again.
 */
function mayReadOutputs(spec: ScoreSpec): boolean {
  return JSON.stringify(spec.resources ?? {}).includes('${resources.');
}

/**
 * Runs `fn(key)` for each key asked for, one pass at a time per key: a key
 * asked for while its pass runs gets one more pass after it (however many
 * times it was asked for meanwhile), which sees everything that happened
 * before it started. `fn` reports its own failures; a rejection ends a
 * pass like a resolution.
 */
export function coalesced(fn: (key: string) => Promise<void>): (key: string) => void {
  const passes = new Map<string, { again: boolean }>();
  return (key) => {
    const pass = passes.get(key);
    if (pass) {
      pass.again = true;
      return;
    }
    const entry = { again: false };
    passes.set(key, entry);
    void (async () => {
      try {
        do {
          entry.again = false;
          await fn(key).catch(() => undefined);
        } while (entry.again);
      } finally {
        passes.delete(key);
      }
    })();
  };
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
