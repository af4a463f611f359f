import type { FastifyInstance } from 'fastify';
import { buildGraph } from '../../graph/build-graph';
import { renderDot } from '../../graph/render-dot';
import { renderMermaid } from '../../graph/render-mermaid';
import { storedScore } from '../../score/stored-score';
import { NotFoundError } from '../../errors';
import type { HostServices } from '../../host-services';
import { specResources } from '../../spec-resources';
import { graphSchema } from './operator-schemas';

const FORMATS = ['json', 'mermaid', 'dot'] as const;

/** `GET /api/graph/:app?format=json|mermaid|dot`: the application's resource graph. */
export function graphRoutes(app: FastifyInstance, services: HostServices): void {
  app.get<{ Params: { app: string }; Querystring: { format: (typeof FORMATS)[number] } }>(
    '/api/graph/:app',
    {
      schema: {
        summary: "An application's resource graph: application → resources → provider → workflow → steps",
        params: { type: 'object', required: ['app'], properties: { app: { type: 'string', pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 } } },
        querystring: { type: 'object', additionalProperties: false, properties: { format: { enum: [...FORMATS], default: 'json' } } },
        response: {
          200: {
            description: 'JSON (format=json), Mermaid flowchart text (format=mermaid) or Graphviz DOT (format=dot)',
            content: {
              'application/json': { schema: graphSchema },
              'text/vnd.mermaid': { schema: { type: 'string' } },
              'text/vnd.graphviz': { schema: { type: 'string' } },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const name = request.params.app;
      const spec = await storedScore(services.store, name);
      const { all: resources } = await specResources(services.store, name, spec?.spec);
      if (!spec && resources.length === 0) throw new NotFoundError('APPLICATION_NOT_FOUND', `no application named '${name}'`);
      const graph = await buildGraph({ store: services.store, registry: services.registry, spec }, name, resources);
      if (request.query.format === 'mermaid') return reply.type('text/vnd.mermaid; charset=utf-8').send(renderMermaid(graph));
      if (request.query.format === 'dot') return reply.type('text/vnd.graphviz; charset=utf-8').send(renderDot(graph));
      return graph;
    },
  );
}
