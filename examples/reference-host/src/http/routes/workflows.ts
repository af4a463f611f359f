import type { FastifyInstance } from 'fastify';
import type { ResourceRecord, RunStatus } from '@innominatus/core';
import { NotFoundError } from '../../errors';
import type { HostServices } from '../../host-services';
import type { ProgressLog } from '../../runs/progress-log';
import { sharedIdsOf } from '../../spec-resources';
import { parseRunId, resourceRuns, runView, type RunView } from '../../runs/run-history';
import { runSchema } from './operator-schemas';
import { decodeCursor, MAX_CURSOR_LENGTH, pageOf } from '../../util/page-cursor';

const runsAnswer = { type: 'object', required: ['workflows'], properties: { workflows: { type: 'array', items: runSchema } } } as const;
const runsPage = { ...runsAnswer, properties: { ...runsAnswer.properties, next: { type: 'string' } } } as const;
const RUN_STATUSES: readonly RunStatus[] = ['running', 'succeeded', 'failed', 'cancelled'];
const idParams = (pattern: string) =>
  ({ type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 160, pattern } } }) as const;

/**
 * `GET /api/workflows` (the current run of each resource, the newest resources first;
 * an application's also lists the shared resources its spec declares),
 * `GET /api/workflows/:id` (one run with its steps) and
 * `GET /api/resources/:id/runs` (every run of a resource, newest first).
 */
export function workflowRoutes(app: FastifyInstance, services: HostServices, progress: ProgressLog): void {
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
        response: { 200: runsPage },
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
        ...(after === undefined ? {} : { after }),
      });
      const { items, next } = pageOf(found, limit, (r) => [r.id]);
      const runs = await Promise.all(
        items.map(async (r) => {
          const run = await services.store.getRun(r.runId!);
          return run ? runView(services.store, run, r, progress.of(run.runId)) : undefined;
        }),
      );
      return { workflows: runs.filter((r): r is RunView => r !== undefined), ...(next ? { next } : {}) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/workflows/:id',
    {
      schema: { summary: 'One workflow run with its steps', params: idParams('^[A-Za-z0-9._-]+:(create|update|delete):[0-9]+$'), response: { 200: runSchema } },
    },
    async (request) => {
      const { id } = request.params;
      const parsed = parseRunId(id)!;
      const [run, resource] = await Promise.all([services.store.getRun(id), services.store.getResource(parsed.resourceId)]);
      if (!run || !resource) throw new NotFoundError('RUN_NOT_FOUND', `no workflow run with id '${id}'`);
      return runView(services.store, run, resource, progress.of(id));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/resources/:id/runs',
    {
      schema: { summary: 'Every run of a resource, newest first', params: idParams('^[A-Za-z0-9._-]+$'), response: { 200: runsAnswer } },
    },
    async (request) => {
      const resource: ResourceRecord | undefined = await services.store.getResource(request.params.id);
      if (!resource) throw new NotFoundError('RESOURCE_NOT_FOUND', `no resource with id '${request.params.id}'`);
      return { workflows: await resourceRuns(services.store, resource, (runId) => progress.of(runId)) };
    },
  );
}
