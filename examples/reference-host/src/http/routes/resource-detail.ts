import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../errors';
import type { HostServices } from '../../host-services';
import { resourceView, stepView, transitionView } from '../views';
import { resourceDetailSchema } from './api-schemas';
import { idParamsSchema } from './operator-schemas';

/** The `{ id }` of a resource route. */
export const resourceIdParams = idParamsSchema('^[A-Za-z0-9._-]+$', 100);

/** `GET /api/resources/:id`: one resource with its history and its current run's steps. */
export function resourceDetailRoute(app: FastifyInstance, services: HostServices): void {
  app.get<{ Params: { id: string } }>(
    '/api/resources/:id',
    { schema: { params: resourceIdParams, response: { 200: resourceDetailSchema } } },
    async (request) => {
      const r = await services.store.getResource(request.params.id);
      if (!r) throw new NotFoundError('RESOURCE_NOT_FOUND', `no resource with id '${request.params.id}'`);
      const history = await services.store.listTransitions(r.id);
      const run = r.runId ? await services.store.getRun(r.runId) : undefined;
      const steps = r.runId ? await services.store.listSteps(r.runId) : [];
      return {
        ...resourceView(r),
        history: history.map(transitionView),
        ...(run
          ? {
              run: {
                id: run.runId,
                workflow: run.workflow.metadata?.name,
                status: run.status,
                attempt: run.attempt,
                ...(run.error ? { error: run.error } : {}),
                steps: steps.map(stepView),
              },
            }
          : {}),
      };
    },
  );
}
