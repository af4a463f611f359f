import type { FastifyInstance } from 'fastify';
import type { ResourceRecord } from '@innominatus/core';
import type { HostServices } from '../../host-services';
import { allSpecSummaries } from '../../util/spec-summaries';
import { applicationSchema } from './operator-schemas';

/** `GET /api/applications`: every Score application (stored spec) with its resources and how many are in each state. */
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
      const [specs, resources] = await Promise.all([allSpecSummaries(services.specs), services.store.listResources({ limit: 10_000 })]);
      const byApp = new Map<string, ResourceRecord[]>();
      for (const r of resources) {
        if (r.state === 'terminated') continue;
        const list = byApp.get(r.application) ?? [];
        list.push(r);
        byApp.set(r.application, list);
      }
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
            ...(submittedAt ? { submittedAt } : {}),
            resources: own.map((r) => ({ id: r.id, name: r.name, type: r.type, state: r.state })),
            states,
          };
        }),
      };
    },
  );
}
