import type { FastifyInstance } from 'fastify';
import { healthSchema, textAnswer } from './api-schemas';
import type { HostServices } from '../../host-services';

/** `GET /healthz` (no auth; 503 without detail when the store does not answer) and `GET /metrics` (Prometheus text, no auth). */
export function healthRoutes(app: FastifyInstance, services: HostServices): void {
  app.get('/healthz', { schema: { response: { 200: healthSchema, 503: healthSchema } } }, async (_request, reply) => {
    try {
      await services.store.listResources({ limit: 1 });
      return { status: 'ok' };
    } catch (err) {
      // The detail (host, port, database) is for the operator's log, not for anyone who can reach /healthz.
      services.logger.warn({ err }, 'health check: the store did not answer');
      return reply
        .code(503)
        .header('retry-after', '5')
        .send({ status: 'unavailable', error: { code: 'STORE_UNAVAILABLE', message: 'the store is unavailable; the host log has the details' } });
    }
  });
  app.get(
    '/metrics',
    { schema: { response: { 200: textAnswer('text/plain', 'Prometheus metrics in the text exposition format') } } },
    async (_request, reply) => {
      void reply.header('content-type', services.metrics.registry.contentType);
      return services.metrics.registry.metrics();
    },
  );
}
