import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../errors';
import type { HostServices } from '../../host-services';
import { resourceView } from '../views';
import { resourceSchema } from './api-schemas';
import { resourceIdParams } from './resource-detail';

/** `POST /api/resources/:id/retry`: asks the orchestrator to try a failed resource's operation again. */
export function resourceRetryRoute(app: FastifyInstance, services: HostServices): void {
  app.post<{ Params: { id: string } }>(
    '/api/resources/:id/retry',
    { schema: { params: resourceIdParams, response: { 202: resourceSchema } } },
    async (request, reply) => {
      const r = await services.store.getResource(request.params.id);
      if (!r) throw new NotFoundError('RESOURCE_NOT_FOUND', `no resource with id '${request.params.id}'`);
      const retried = await services.requests.retry(r.id);
      services.metrics.requested(r.id);
      request.log.info({ resourceId: r.id, principal: request.principal!.name }, 'retry requested');
      return reply.code(202).send(resourceView(retried));
    },
  );
}
