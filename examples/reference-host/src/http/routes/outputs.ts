import type { FastifyInstance } from 'fastify';
import { redact, revealAll } from '@innominatus/core';
import { NotFoundError } from '../../errors';
import type { HostServices } from '../../host-services';
import { requireAdmin } from '../auth';

/**
 * `GET /api/resources/:id/outputs[?reveal=true]`: a resource's outputs,
 * sensitive ones as `***`; an admin may reveal them (logged, `no-store`).
 */
export function outputRoutes(app: FastifyInstance, services: HostServices): void {
  app.get<{ Params: { id: string }; Querystring: { reveal: boolean } }>(
    '/api/resources/:id/outputs',
    {
      schema: {
        summary: "A resource's outputs; sensitive ones redacted unless an admin reveals them",
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._-]+$' } } },
        querystring: { type: 'object', additionalProperties: false, properties: { reveal: { type: 'boolean', default: false } } },
        response: { 200: { type: 'object', required: ['outputs'], properties: { outputs: { type: 'object', additionalProperties: true } } } },
      },
    },
    async (request, reply) => {
      if (request.query.reveal) requireAdmin(request.principal!, 'revealing sensitive values (?reveal=true)');
      const r = await services.store.getResource(request.params.id);
      if (!r) throw new NotFoundError('RESOURCE_NOT_FOUND', `no resource with id '${request.params.id}'`);
      if (!request.query.reveal) return { outputs: redact(r.outputs ?? {}) };
      request.log.warn({ resourceId: r.id, application: r.application, resource: r.name, principal: request.principal!.name }, 'sensitive outputs revealed');
      void reply.header('cache-control', 'no-store');
      return { outputs: revealAll(r.outputs ?? {}) };
    },
  );
}
