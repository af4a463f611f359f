import type { FastifyInstance } from 'fastify';
import type { HostServices } from '../../host-services';
import type { ProgressLog } from '../../runs/progress-log';
import { resourceRunsRoute } from './resource-runs';
import { workflowListRoute } from './workflow-list';
import { workflowRunRoute } from './workflow-run';

/**
 * The workflow run routes: `GET /api/workflows` (the current run of each
 * resource, the newest resources first), `GET /api/workflows/:id` (one run
 * with its steps) and `GET /api/resources/:id/runs` (every run of a
 * resource, newest first).
 */
export function workflowRoutes(app: FastifyInstance, services: HostServices, progress: ProgressLog): void {
  workflowListRoute(app, services, progress);
  workflowRunRoute(app, services, progress);
  resourceRunsRoute(app, services, progress);
}
