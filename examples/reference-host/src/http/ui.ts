import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Where `scripts/setup.sh` builds the UI (the `ui` package beside the host's sources). */
export const UI_DIST = fileURLToPath(new URL('../../ui/dist/', import.meta.url));

/** Only this origin: no CDN, no inline script, no framing. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * Serves the built web UI at `/` (same origin as the API, so the token never
 * crosses origins). Without a build, `/` says how to make one.
 */
export async function installUi(app: FastifyInstance, dir = UI_DIST): Promise<void> {
  const security = { 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };
  if (!existsSync(`${dir}index.html`)) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .code(503)
        .headers(security)
        .type('text/plain; charset=utf-8')
        .send('The web UI is not built: run `npm run setup` (or `pnpm --filter @innominatus/reference-host-ui build`).\n'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    schemaHide: true,
    setHeaders: (res) => {
      void res.headers({ ...security, 'cache-control': 'no-cache' });
    },
  });
}
