import type { FastifyInstance } from 'fastify';
import type { HostServices } from '../../host-services';
import { PROBE_TIMEOUT_MS, type ReadinessProbe } from '../../readiness';
import { readySchema } from './operator-schemas';

/**
 * `GET /ready` (no auth): 200 when the store and every configured dependency
 * (Kubernetes) answer, 503 naming which did not (the detail goes to the log
 * only). `/healthz` stays the liveness check.
 */
export function readyRoutes(app: FastifyInstance, services: HostServices): void {
  const probes: ReadinessProbe[] = [
    { name: 'store', check: async () => void (await services.store.listResources({ limit: 1 })) },
    ...(services.readiness ?? []),
  ];
  app.get(
    '/ready',
    {
      schema: { summary: 'Readiness: the store and Kubernetes are reachable', response: { 200: readySchema, 503: readySchema } },
    },
    async (_request, reply) => {
      const results = await Promise.all(
        probes.map(async (p) => {
          try {
            await withTimeout(p.check, PROBE_TIMEOUT_MS);
            return [p.name, 'ok'] as const;
          } catch (err) {
            services.logger.warn({ err, check: p.name }, `readiness: ${p.name} did not answer`);
            return [p.name, 'unavailable'] as const;
          }
        }),
      );
      const ready = results.every(([, r]) => r === 'ok');
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks: Object.fromEntries(results) });
    },
  );
}

async function withTimeout(check: ReadinessProbe['check'], ms: number): Promise<void> {
  const signal = AbortSignal.timeout(ms);
  await Promise.race([
    check(signal),
    new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error(`no answer within ${ms} ms`)), { once: true })),
  ]);
}
