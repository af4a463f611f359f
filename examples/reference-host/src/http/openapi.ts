import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { errorSchema } from './routes/operator-schemas';

/**
 * Registers `@fastify/swagger`, which collects the schema of every route
 * registered after it, and serves the OpenAPI 3.1 document at
 * `GET /openapi.json` (no auth). Await it before registering routes.
 */
export async function installOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'innominatus reference host',
        version,
        description: 'Score specs in, provisioned resources out. Every /api route takes `Authorization: Bearer <token>`.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
        schemas: { Error: errorSchema as unknown as Record<string, unknown> },
      },
    },
    transform: ({ schema, url }) => ({
      schema: url.startsWith('/api/') ? { ...schema, security: [{ bearer: [] }] } : schema,
      url,
    }),
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
