import type { FastifyInstance } from 'fastify';
import type { HostServices } from '../../host-services';
import { specDeleteRoute } from './spec-delete';
import { specDetailRoute } from './spec-detail';
import { specListRoute } from './spec-list';
import { specResolvedRoute } from './spec-resolved';
import { specSubmitRoute } from './spec-submit';

/** `POST|GET /api/specs`, `GET|DELETE /api/specs/:name`, `GET /api/specs/:name/resolved`. */
export function specRoutes(app: FastifyInstance, services: HostServices): void {
  specSubmitRoute(app, services);
  specListRoute(app, services);
  specDetailRoute(app, services);
  specDeleteRoute(app, services);
  specResolvedRoute(app, services);
}
