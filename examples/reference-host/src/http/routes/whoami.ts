import type { FastifyInstance } from 'fastify';

/** `GET /api/whoami`: the token's name and role (the UI signs in with it). */
export function whoamiRoutes(app: FastifyInstance): void {
  app.get(
    '/api/whoami',
    {
      schema: {
        summary: "The bearer token's name and role",
        response: { 200: { type: 'object', required: ['name', 'role'], properties: { name: { type: 'string' }, role: { enum: ['user', 'admin'] } } } },
      },
    },
    async (request) => ({ name: request.principal!.name, role: request.principal!.role }),
  );
}
