import type { FastifyInstance } from 'fastify';
import type { HostServices } from '../../host-services';
import { resourceDetailRoute } from './resource-detail';
import { resourceListRoute } from './resource-list';
import { resourceRetryRoute } from './resource-retry';

/** `GET /api/resources`, `GET /api/resources/:id`, `POST /api/resources/:id/retry`. */
export function resourceRoutes(app: FastifyInstance, services: HostServices): void {
  resourceListRoute(app, services);
  resourceDetailRoute(app, services);
  resourceRetryRoute(app, services);
}
