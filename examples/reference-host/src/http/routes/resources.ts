import type { FastifyInstance } from 'fastify';
import { resourceDetailSchema, resourceListSchema, resourceSchema } from './api-schemas';
import { RESOURCE_STATES } from '@innominatus/core';
import { NotFoundError } from '../../errors';
import type { HostServices } from '../../host-services';
import { resourceView, stepView, transitionView } from '../views';
import { decodeCursor, MAX_CURSOR_LENGTH, pageOf } from '../../util/page-cursor';

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._-]+$' } },
} as const;

interface ListQuery {
  application?: string;
  type?: string;
  state?: (typeof RESOURCE_STATES)[number];
  limit: number;
  cursor?: string;
}

/** `GET /api/resources`, `GET /api/resources/:id`, `POST /api/resources/:id/retry`. */
export function resourceRoutes(app: FastifyInstance, services: HostServices): void {
  app.get<{ Querystring: ListQuery }>(
    '/api/resources',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            application: { type: 'string', maxLength: 63 },
            type: { type: 'string', maxLength: 63 },
            state: { enum: [...RESOURCE_STATES] },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 1000 },
            cursor: { type: 'string', minLength: 1, maxLength: MAX_CURSOR_LENGTH },
          },
        },
        response: { 200: resourceListSchema },
      },
    },
    async (request) => {
      const { application, type, state, limit, cursor } = request.query;
      // Filtered and paged in the store (one more than asked for tells whether a next page exists); cost follows the page, not the total.
      const after = cursor === undefined ? undefined : String(decodeCursor(cursor, ['string'])[0]);
      const found = await services.store.listResources({
        ...(application ? { application } : {}),
        ...(type ? { type } : {}),
        ...(state ? { state } : {}),
        ...(after ? { after } : {}),
        limit: limit + 1,
      });
      const { items, next } = pageOf(found, limit, (r) => [r.id]);
      return { resources: items.map(resourceView), ...(next ? { next } : {}) };
    },
  );

  app.get<{ Params: { id: string } }>('/api/resources/:id', { schema: { params: idParams, response: { 200: resourceDetailSchema } } }, async (request) => {
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
  });

  app.post<{ Params: { id: string } }>(
    '/api/resources/:id/retry',
    { schema: { params: idParams, response: { 202: resourceSchema } } },
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
