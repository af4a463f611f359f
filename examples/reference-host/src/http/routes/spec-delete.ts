import type { FastifyInstance } from 'fastify';
import { deleteSpec } from '../../apply-spec';
import type { HostServices } from '../../host-services';
import { applyResultSchema } from './api-schemas';
import { specNameParams } from './spec-detail';

/** `DELETE /api/specs/:name`: deletes a spec and asks to delete its resources (`?dryRun=true` only plans it). */
export function specDeleteRoute(app: FastifyInstance, services: HostServices): void {
  app.delete<{ Params: { name: string }; Querystring: { dryRun: boolean } }>(
    '/api/specs/:name',
    {
      schema: {
        params: specNameParams,
        querystring: { type: 'object', additionalProperties: false, properties: { dryRun: { type: 'boolean', default: false } } },
        response: { 200: applyResultSchema, 202: applyResultSchema },
      },
    },
    async (request, reply) => {
      if (request.query.dryRun) return deleteSpec(services, request.params.name, { dryRun: true });
      return reply.code(202).send(await deleteSpec(services, request.params.name));
    },
  );
}
