import type { FastifyInstance } from 'fastify';
import type { ResourceRecord } from '@innominatus/core';
import type { HostServices } from '../../host-services';
import { SHARED_APPLICATION } from '../../score/shared-resources';
import { sharedUsersOf } from '../../spec-resources';
import { allResources } from '../../util/all-resources';
import { allSpecSummaries } from '../../util/spec-summaries';
import { applicationSchema } from './operator-schemas';

/**
 * `GET /api/applications`: every Score application (stored spec) with its
 * resources (the shared ones it declares too) and how many are in each state;
 * shared resources are also listed under their own application.
 */
export function applicationRoutes(app: FastifyInstance, services: HostServices): void {
  app.get(
    '/api/applications',
    {
      schema: {
        summary: 'Score applications with their resources',
        response: { 200: { type: 'object', required: ['applications'], properties: { applications: { type: 'array', items: applicationSchema } } } },
      },
    },
    async () => {
      const [specs, resources] = await Promise.all([allSpecSummaries(services.store), allResources(services.store, { live: true })]);
      const byApp = new Map<string, ResourceRecord[]>();
      for (const r of resources) {
        const list = byApp.get(r.application) ?? [];
        list.push(r);
        byApp.set(r.application, list);
      }
      await addShared(services, byApp);
      // An application whose spec was deleted is listed while its resources are still being deleted.
      const names = [...new Set([...specs.map((s) => s.name), ...byApp.keys()])].sort();
      return {
        applications: names.map((name) => {
          const own = byApp.get(name) ?? [];
          const states: Record<string, number> = {};
          for (const r of own) states[r.state] = (states[r.state] ?? 0) + 1;
          const submittedAt = specs.find((s) => s.name === name)?.submittedAt;
          return {
            name,
            submittedAt,
            resources: own.map((r) => ({ id: r.id, name: r.name, type: r.type, state: r.state })),
            states,
          };
        }),
      };
    },
  );
}

/** Adds to each application the shared resources its spec declares (from the index of shared resources, not the specs). */
async function addShared(services: HostServices, byApp: Map<string, ResourceRecord[]>): Promise<void> {
  for (const r of byApp.get(SHARED_APPLICATION) ?? []) {
    for (const user of await sharedUsersOf(services.store, r)) {
      const list = byApp.get(user) ?? [];
      list.push(r);
      byApp.set(user, list);
    }
  }
}
