import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../errors';
import type { HostServices } from '../../host-services';
import type { ProgressLog } from '../../runs/progress-log';
import { resourceRuns } from '../../runs/run-history';
import { idParamsSchema, runListSchema } from './operator-schemas';

/** `GET /api/resources/:id/runs`: every run of a resource, newest first. */
export function resourceRunsRoute(app: FastifyInstance, services: HostServices, progress: ProgressLog): void {
  app.get<{ Params: { id: string } }>(
    '/api/resources/:id/runs',
    {
      schema: { summary: 'Every run of a resource, newest first', params: idParamsSchema('^[A-Za-z0-9._-]+$', 160), response: { 200: runListSchema } },
    },
    async (request) => {
      const resource = await services.store.getResource(request.params.id);
      if (!resource) throw new NotFoundError('RESOURCE_NOT_FOUND', `no resource with id '${request.params.id}'`);
      return { workflows: await resourceRuns(services.store, resource, (runId) => progress.of(runId)) };
    },
  );
}
