import type { FastifyInstance } from 'fastify';
import type { HostServices } from '../host-services';
import { ProgressLog } from '../runs/progress-log';
import { applicationRoutes } from './routes/applications';
import { graphRoutes } from './routes/graph';
import { readyRoutes } from './routes/ready';
import { workflowRoutes } from './routes/workflows';

/**
 * The operator's routes: `/ready`, `/api/applications`, `/api/graph/:app`,
 * `/api/workflows` and a resource's runs.
 */
export function operatorRoutes(app: FastifyInstance, services: HostServices): void {
  const progress = new ProgressLog(services.hub);
  app.addHook('onClose', (_instance, done) => {
    progress.close();
    done();
  });
  readyRoutes(app, services);
  applicationRoutes(app, services);
  graphRoutes(app, services);
  workflowRoutes(app, services, progress);
}
