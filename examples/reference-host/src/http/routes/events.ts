import type { FastifyInstance } from 'fastify';
import { textAnswer } from './api-schemas';
import type { HostEvent } from '../../event-hub';
import type { HostServices } from '../../host-services';

const HEARTBEAT_MS = 15_000;
/** Most event streams open at once; more get 503 so idle clients cannot pile up. */
export const MAX_EVENT_STREAMS = 200;

/**
 * `GET /api/events`: server-sent events of resource transitions (`event:
 * resource`) and step transitions (`event: step`), optionally for one
 * application. Events carry names, states and redacted messages only.
 */
export function eventRoutes(app: FastifyInstance, services: HostServices): void {
  const open = new Set<() => void>();
  app.addHook('preClose', (done) => {
    for (const end of open) end();
    done();
  });

  app.get<{ Querystring: { application?: string } }>(
    '/api/events',
    {
      schema: {
        querystring: { type: 'object', additionalProperties: false, properties: { application: { type: 'string', maxLength: 63 } } },
        response: { 200: textAnswer('text/event-stream', 'Server-sent events: `event: resource` and `event: step`, each with its JSON in `data:`') },
      },
    },
    (request, reply) => {
      const { application } = request.query;
      if (open.size >= MAX_EVENT_STREAMS) {
        void reply
          .code(503)
          .header('retry-after', '10')
          .send({ error: { code: 'TOO_MANY_STREAMS', message: `${MAX_EVENT_STREAMS} event streams are open; try again later` } });
        return;
      }
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 2000\n\n');
      let seq = 0;
      const send = (e: HostEvent) => {
        if (application && e.application !== application) return;
        res.write(`id: ${++seq}\nevent: ${e.kind}\ndata: ${JSON.stringify(e)}\n\n`);
      };
      const unsubscribe = services.hub.subscribe(send);
      const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      const end = () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(end);
        if (!res.writableEnded) res.end();
      };
      open.add(end);
      request.raw.on('close', end);
    },
  );
}
