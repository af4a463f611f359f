import type { FastifyInstance } from 'fastify';
import { RESOURCE_STATES, type ResourceState } from '@innominatus/core';
import type { HostServices } from '../../host-services';
import { decodeCursor, MAX_CURSOR_LENGTH, pageOf } from '../../util/page-cursor';
import { resourceView } from '../views';
import { resourceListSchema } from './api-schemas';

interface ListQuery {
  application?: string;
  type?: string;
  state?: ResourceState;
  limit: number;
  cursor?: string;
}

/** `GET /api/resources`: resources in creation order, filtered by application, type and state, a page at a time. */
export function resourceListRoute(app: FastifyInstance, services: HostServices): void {
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
      return { resources: items.map(resourceView), next };
    },
  );
}
