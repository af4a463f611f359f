import type { FastifyInstance } from 'fastify';
import { applySpec } from '../../apply-spec';
import type { HostServices } from '../../host-services';
import { applyResultSchema } from './api-schemas';

/** `POST /api/specs`: applies a Score spec (`?dryRun=true` only plans it; `?prune=true` confirms deleting resources with data). */
export function specSubmitRoute(app: FastifyInstance, services: HostServices): void {
  app.post<{ Querystring: { prune: boolean; dryRun: boolean } }>(
    '/api/specs',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { prune: { type: 'boolean', default: false }, dryRun: { type: 'boolean', default: false } },
        },
        response: { 200: applyResultSchema, 202: applyResultSchema },
      },
    },
    async (request, reply) => {
      const { prune, dryRun } = request.query;
      const apply = () => applySpec(services, request.body, { prune, dryRun });
      const result = services.telemetry && !dryRun ? await services.telemetry.submission(request.headers, apply) : await apply();
      request.log.info(
        { application: result.application, dryRun, changes: result.changes.map((c) => `${c.action} ${c.name}`) },
        dryRun ? 'spec planned (dry run)' : 'spec applied',
      );
      return reply.code(dryRun ? 200 : 202).send(result);
    },
  );
}
