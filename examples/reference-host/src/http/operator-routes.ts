import type { FastifyInstance } from 'fastify';
import type { HostServices } from '../host-services';
import { ProgressLog } from '../runs/progress-log';
import { applicationRoutes } from './routes/applications';
import { outputRoutes } from './routes/outputs';
import { whoamiRoutes } from './routes/whoami';
import { installUi } from './ui';
import { graphRoutes } from './routes/graph';
import { readyRoutes } from './routes/ready';
import { workflowRoutes } from './routes/workflows';

/**
 * The operator's routes: the web UI at `/`, `/ready`, `/api/whoami`,
 * `/api/applications`, `/api/graph/:app`, `/api/workflows`, a resource's runs
 * and outputs.
 */
export async function operatorRoutes(app: FastifyInstance, services: HostServices): Promise<void> {
  const progress = new ProgressLog(services.hub);
  app.addHook('onClose', (_instance, done) => {
    progress.close();
    done();
  });
  readyRoutes(app, services);
  applicationRoutes(app, services);
  graphRoutes(app, services);
  workflowRoutes(app, services, progress);
  whoamiRoutes(app);
  outputRoutes(app, services);
  await installUi(app);
}
