import type { FastifyInstance } from 'fastify';
import type { RunStatus } from '@innominatus/core';
import type { HostServices } from '../../host-services';
import type { ProgressLog } from '../../runs/progress-log';
import { runView, type RunView } from '../../runs/run-history';
import { sharedIdsOf } from '../../spec-resources';
import { decodeCursor, MAX_CURSOR_LENGTH, pageOf } from '../../util/page-cursor';
import { runListSchema } from './operator-schemas';

const RUN_STATUSES: readonly RunStatus[] = ['running', 'succeeded', 'failed', 'cancelled'];
const runPageSchema = { ...runListSchema, properties: { ...runListSchema.properties, next: { type: 'string' } } } as const;

/**
 * `GET /api/workflows`: the current run of each resource, the newest
 * resources first, a page at a time; with `application`, the runs of its
 * resources and of the shared resources its spec declares.
 */
export function workflowListRoute(app: FastifyInstance, services: HostServices, progress: ProgressLog): void {
  app.get<{ Querystring: { application?: string; status?: RunStatus; limit: number; cursor?: string } }>(
    '/api/workflows',
    {
      schema: {
        summary: 'Workflow runs: the current run of each resource, the newest resources first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            application: { type: 'string', maxLength: 63 },
            status: { type: 'string', enum: RUN_STATUSES },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            cursor: { type: 'string', minLength: 1, maxLength: MAX_CURSOR_LENGTH },
          },
        },
        response: { 200: runPageSchema },
      },
    },
    async (request) => {
      const { application, status, limit, cursor } = request.query;
      // Filtered (the run status too) and paged in the store, newest resources first; one more than asked for tells whether a next page exists.
      const after = cursor === undefined ? undefined : String(decodeCursor(cursor, ['string'])[0]);
      // An application's runs include those of the shared resources its spec declares (they belong to the shared application).
      const alsoIds = application ? await sharedIdsOf(services.store, application) : [];
      const found = await services.store.listResources({
        ...(application ? { application } : {}),
        ...(alsoIds.length > 0 ? { alsoIds } : {}),
        ...(status ? { runStatus: status } : {}),
        withRun: true,
        order: 'newest',
        limit: limit + 1,
        after,
      });
      const { items, next } = pageOf(found, limit, (r) => [r.id]);
      const runs = await Promise.all(
        items.map(async (r) => {
          const run = await services.store.getRun(r.runId!);
          return run ? runView(services.store, run, r, progress.of(run.runId)) : undefined;
        }),
      );
      return { workflows: runs.filter((r): r is RunView => r !== undefined), next };
    },
  );
}
