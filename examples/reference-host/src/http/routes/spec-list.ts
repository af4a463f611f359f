import type { FastifyInstance } from 'fastify';
import type { HostServices } from '../../host-services';
import { decodeCursor, MAX_CURSOR_LENGTH, pageOf } from '../../util/page-cursor';
import { applicationSpecs } from '../../util/spec-summaries';
import { specListSchema } from './api-schemas';

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 1000 },
    cursor: { type: 'string', minLength: 1, maxLength: MAX_CURSOR_LENGTH },
  },
} as const;

/** `GET /api/specs`: the stored specs' summaries by name, a page at a time. */
export function specListRoute(app: FastifyInstance, services: HostServices): void {
  app.get<{ Querystring: { limit: number; cursor?: string } }>(
    '/api/specs',
    {
      schema: { querystring: listQuery, response: { 200: specListSchema } },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const after = cursor === undefined ? undefined : String(decodeCursor(cursor, ['string'])[0]);
      const { items, next } = pageOf(await applicationSpecs(services.store, { after, limit: limit + 1 }), limit, (s) => [s.name]);
      return { specs: items, next };
    },
  );
}
