import type { FastifyInstance } from 'fastify';
import type { HostServices } from '../../host-services';

/** `GET /healthz` (no auth) and `GET /metrics` (Prometheus text, no auth). */
export function healthRoutes(app: FastifyInstance, services: HostServices): void {
  app.get('/healthz', async (_request, reply) => {
    try {
      await services.store.listResources({ limit: 1 });
      return { status: 'ok' };
    } catch (err) {
      return reply.code(503).send({ status: 'unavailable', error: { code: 'STORE_UNAVAILABLE', message: (err as Error).message } });
    }
  });
  app.get('/metrics', async (_request, reply) => {
    void reply.header('content-type', services.metrics.registry.contentType);
    return services.metrics.registry.metrics();
  });
}
