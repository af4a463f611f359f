import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../errors';
import type { HostServices } from '../../host-services';
import type { ProgressLog } from '../../runs/progress-log';
import { parseRunId, runView } from '../../runs/run-history';
import { idParamsSchema, runSchema } from './operator-schemas';

/** `GET /api/workflows/:id`: one run with its steps (ids are `<resourceId>:<operation>:<generation>`). */
export function workflowRunRoute(app: FastifyInstance, services: HostServices, progress: ProgressLog): void {
  app.get<{ Params: { id: string } }>(
    '/api/workflows/:id',
    {
      schema: {
        summary: 'One workflow run with its steps',
        params: idParamsSchema('^[A-Za-z0-9._-]+:(create|update|delete):[0-9]+$', 160),
        response: { 200: runSchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      const parsed = parseRunId(id)!;
      const [run, resource] = await Promise.all([services.store.getRun(id), services.store.getResource(parsed.resourceId)]);
      if (!run || !resource) throw new NotFoundError('RUN_NOT_FOUND', `no workflow run with id '${id}'`);
      return runView(services.store, run, resource, progress.of(id));
    },
  );
}
