import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../errors';
import type { HostServices } from '../../host-services';
import { SCORE_NAME } from '../../score/score-schema';
import { storedScore } from '../../score/stored-score';
import { specResources } from '../../spec-resources';
import { resourceView } from '../views';
import { storedSpecSchema } from './api-schemas';

/** The `{ name }` of a spec route: a Score application name. */
export const specNameParams = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', pattern: SCORE_NAME, maxLength: 63 } },
} as const;

/** `GET /api/specs/:name`: a stored spec with the resources it stands for (its own and the shared ones it declares). */
export function specDetailRoute(app: FastifyInstance, services: HostServices): void {
  app.get<{ Params: { name: string } }>('/api/specs/:name', { schema: { params: specNameParams, response: { 200: storedSpecSchema } } }, async (request) => {
    const stored = await storedScore(services.store, request.params.name);
    if (!stored) throw new NotFoundError('SPEC_NOT_FOUND', `no spec named '${request.params.name}'`);
    const { all } = await specResources(services.store, stored.name, stored.spec);
    return { name: stored.name, submittedAt: stored.submittedAt, spec: stored.spec, resources: all.map(resourceView) };
  });
}
