import type { FastifyInstance } from 'fastify';
import { applySpec, deleteSpec } from '../../apply-spec';
import { NotFoundError } from '../../errors';
import type { HostServices } from '../../host-services';
import { resolveWorkload } from '../../score/placeholder-fill';
import { storedScore } from '../../score/stored-score';
import { SCORE_NAME } from '../../score/score-schema';
import { requireAdmin } from '../auth';
import { resourceView } from '../views';
import { applyResultSchema, resolvedSpecSchema, specListSchema, storedSpecSchema } from './api-schemas';
import { specResources } from '../../spec-resources';
import { decodeCursor, MAX_CURSOR_LENGTH, pageOf } from '../../util/page-cursor';
import { applicationSpecs } from '../../util/spec-summaries';

const nameParams = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', pattern: SCORE_NAME, maxLength: 63 } },
} as const;

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 1000 },
    cursor: { type: 'string', minLength: 1, maxLength: MAX_CURSOR_LENGTH },
  },
} as const;

/** `POST|GET /api/specs`, `GET|DELETE /api/specs/:name`, `GET /api/specs/:name/resolved`. */
export function specRoutes(app: FastifyInstance, services: HostServices): void {
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

  app.get<{ Querystring: { limit: number; cursor?: string } }>(
    '/api/specs',
    {
      schema: { querystring: listQuery, response: { 200: specListSchema } },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const after = cursor === undefined ? undefined : String(decodeCursor(cursor, ['string'])[0]);
      const { items, next } = pageOf(await applicationSpecs(services.store, { after, limit: limit + 1 }), limit, (s) => [s.name]);
      return { specs: items, ...(next ? { next } : {}) };
    },
  );

  app.get<{ Params: { name: string } }>('/api/specs/:name', { schema: { params: nameParams, response: { 200: storedSpecSchema } } }, async (request) => {
    const stored = await storedScore(services.store, request.params.name);
    if (!stored) throw new NotFoundError('SPEC_NOT_FOUND', `no spec named '${request.params.name}'`);
    const { all } = await specResources(services.store, stored.name, stored.spec);
    return { name: stored.name, submittedAt: stored.submittedAt, spec: stored.spec, resources: all.map(resourceView) };
  });

  app.delete<{ Params: { name: string }; Querystring: { dryRun: boolean } }>(
    '/api/specs/:name',
    {
      schema: {
        params: nameParams,
        querystring: { type: 'object', additionalProperties: false, properties: { dryRun: { type: 'boolean', default: false } } },
        response: { 200: applyResultSchema, 202: applyResultSchema },
      },
    },
    async (request, reply) => {
      if (request.query.dryRun) return deleteSpec(services, request.params.name, { dryRun: true });
      return reply.code(202).send(await deleteSpec(services, request.params.name));
    },
  );

  app.get<{ Params: { name: string }; Querystring: { reveal?: boolean } }>(
    '/api/specs/:name/resolved',
    {
      schema: {
        params: nameParams,
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
