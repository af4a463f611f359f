import type { FastifyInstance } from 'fastify';
import { providerListSchema } from './api-schemas';
import type { HostServices } from '../../host-services';

/** `GET /api/providers`: every configured provider, its status, capabilities and workflows. */
export function providerRoutes(app: FastifyInstance, services: HostServices): void {
  app.get('/api/providers', { schema: { response: { 200: providerListSchema } } }, async () => ({
    providers: services.providers.map((status) => {
      const loaded = services.registry.get(status.name);
      const p = loaded?.provider;
      return {
        ...status,
        ...(p
          ? {
              version: p.metadata.version,
              ...(p.metadata.description ? { description: p.metadata.description } : {}),
              ...(p.metadata.category ? { category: p.metadata.category } : {}),
              resourceTypes: services.registry
                .types()
                .filter((t) => services.registry.classes(t).some((c) => services.registry.providerOf(t, c) === status.name)),
              capabilities: (p.capabilities?.resourceTypeCapabilities ?? []).map((c) => ({
                type: c.type,
                ...(c.aliasFor ? { aliasFor: c.aliasFor } : {}),
                ...(c.classes ? { classes: c.classes } : {}),
                operations: Object.fromEntries(
                  Object.entries(c.operations ?? {}).map(([op, spec]) => [op, spec?.workflow ?? spec?.workflows?.map((w) => w.name)]),
                ),
              })),
              workflows: p.workflows.map((w) => ({
                name: w.name,
                ...(w.description ? { description: w.description } : {}),
                ...(w.operation ? { operation: w.operation } : {}),
                ...(w.category ? { category: w.category } : {}),
                ...(w.version ? { version: w.version } : {}),
              })),
            }
          : {}),
      };
    }),
  }));
}
