import type { Ajv } from 'ajv';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { schemaCompilers } from '../src/http/schema-compilers';

let app: FastifyInstance | undefined;
const others: FastifyInstance[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const other of others.splice(0)) await other.close();
});

/** A server on the host's compilers with one route, GET /h, whose request headers are checked by `headers`. */
function serverWithHeaders(headers: Record<string, unknown>): FastifyInstance {
  app = Fastify({ schemaController: { compilersFactory: schemaCompilers } });
  app.get('/h', { schema: { headers } }, async () => 'ok');
  return app;
}

describe("the host's schema compilers", () => {
  it('check a header named in lower case whatever the case a request writes it in', async () => {
    // Values may have capitals (an enum of header values is data, not header names).
    const server = serverWithHeaders({
      type: 'object',
      required: ['x-token'],
      properties: { 'x-token': { type: 'string', minLength: 2 }, 'x-mode': { enum: ['Fast'] } },
    });
    const status = async (headers: Record<string, string>) => (await server.inject({ method: 'GET', url: '/h', headers })).statusCode;
    expect([
      await status({ 'X-Token': 'ab' }),
      await status({ 'x-token': 'ab', 'X-Mode': 'Fast' }),
      await status({ 'x-token': 'ab', 'X-Mode': 'fast' }),
      await status({ 'X-TOKEN': 'a' }),
      await status({}),
    ]).toEqual([200, 200, 400, 400, 400]);
  });

  it.each([
    [{ type: 'object', required: ['X-Token'] }, "'X-Token' at /required/0"],
    [{ type: 'object', properties: { 'X-Token': { type: 'string' } } }, "'X-Token' at /properties/X-Token"],
    [{ type: 'object', anyOf: [{ required: ['x-a'] }, { required: ['X-B'] }] }, "'X-B' at /anyOf/1/required/0"],
    [{ type: 'object', dependencies: { 'x-a': ['X-B'] } }, "'X-B' at /dependencies/x-a/0"],
    [{ type: 'object', dependencies: { 'X-A': { required: ['x-b'] } } }, "'X-A' at /dependencies/X-A"],
  ])('refuse a headers schema that names a header in capitals (a request never matches it): %j', async (headers, where) => {
    const error = await serverWithHeaders(headers)
      .ready()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toMatchObject({
      code: 'FST_ERR_SCH_VALIDATION_BUILD',
      message: `Failed building the validation schema for GET: /h, due to error the headers schema names header ${where}: write header names in lower case, as requests arrive with them`,
    });
  });

  it('compile again for options JSON cannot tell apart (Ajv plugins are functions): each server validates with its own', async () => {
    // Two Ajv plugins that define the format `code` differently: as JSON, both option sets are `plugins: [null]`.
    const startsWith = (letter: string) => (ajv: Ajv) => ajv.addFormat('code', new RegExp(`^${letter}`));
    expect(await codeChecks((letter) => ({ plugins: [startsWith(letter)] }))).toEqual([200, 400, 400, 200]);
  });

  it('compile again for options holding objects JSON writes only in part (their fields inherited): each server validates with its own', async () => {
    // Two definitions of the format `code` whose fields come from their prototypes: as JSON, both are `{}`.
    const startsWith = (letter: string) => Object.create({ type: 'string', validate: new RegExp(`^${letter}`) }) as { type: 'string'; validate: RegExp };
    expect(await codeChecks((letter) => ({ customOptions: { formats: { code: startsWith(letter) } } }))).toEqual([200, 400, 400, 200]);
  });

  /**
   * Two servers, A and B, whose Ajv options (from `ajv`) define the format `code` as "starts with A" and "starts with B";
   * the statuses of `?v=Ax` and `?v=Bx` on A, then on B.
   */
  async function codeChecks(ajv: (letter: string) => NonNullable<FastifyServerOptions['ajv']>): Promise<number[]> {
    const server = (letter: string) => {
      const s = Fastify({ schemaController: { compilersFactory: schemaCompilers }, ajv: ajv(letter) });
      s.get('/c', { schema: { querystring: { type: 'object', properties: { v: { type: 'string', format: 'code' } } } } }, async () => 'ok');
      others.push(s);
      return s;
    };
    const [a, b] = [server('A'), server('B')];
    const status = async (s: FastifyInstance, v: string) => (await s.inject({ method: 'GET', url: `/c?v=${v}` })).statusCode;
    return [await status(a, 'Ax'), await status(a, 'Bx'), await status(b, 'Ax'), await status(b, 'Bx')];
  }
});
