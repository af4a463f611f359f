import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../errors';
import type { HostServices } from '../../host-services';
import { resolveWorkload } from '../../score/placeholder-fill';
import { storedScore } from '../../score/stored-score';
import { specResources } from '../../spec-resources';
import { requireAdmin } from '../auth';
import { resolvedSpecSchema } from './api-schemas';
import { specNameParams } from './spec-detail';

/**
 * `GET /api/specs/:name/resolved`: the workload with its resource
 * placeholders filled in; sensitive values stay masked unless an admin asks
 * for `?reveal=true` (logged, and the answer is not cached).
 */
export function specResolvedRoute(app: FastifyInstance, services: HostServices): void {
  app.get<{ Params: { name: string }; Querystring: { reveal?: boolean } }>(
    '/api/specs/:name/resolved',
    {
      schema: {
        params: specNameParams,
        querystring: { type: 'object', additionalProperties: false, properties: { reveal: { type: 'boolean', default: false } } },
        response: { 200: resolvedSpecSchema },
      },
    },
    async (request, reply) => {
      if (request.query.reveal) requireAdmin(request.principal!, 'revealing sensitive values (?reveal=true)');
      const stored = await storedScore(services.store, request.params.name);
      if (!stored) throw new NotFoundError('SPEC_NOT_FOUND', `no spec named '${request.params.name}'`);
      const { byName } = await specResources(services.store, stored.name, stored.spec);
      const resolved = resolveWorkload(stored.spec, (name) => byName.get(name), { reveal: request.query.reveal === true });
      if (request.query.reveal) {
        request.log.warn({ application: stored.name, principal: request.principal!.name }, 'sensitive values revealed');
        void reply.header('cache-control', 'no-store');
      }
      return resolved;
    },
  );
}
