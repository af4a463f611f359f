import AjvCompiler, { type ValidatorFactory } from '@fastify/ajv-compiler';
import SerializerSelector, { type SerializerFactory } from '@fastify/fast-json-stringify-compiler';

/** What Fastify hands a compiler for one part of a route: the part's schema, and which part it is. */
interface RoutePart {
  schema?: unknown;
  httpPart?: string;
  httpStatus?: string;
  contentType?: string;
}

/**
 * `factory` (Fastify's default compiler factory) with each function it
 * compiles kept for the process, by what it was compiled from: the shared
 * schemas and the options (as JSON: the host passes no functions in them),
 * and the route part's schema by content. Every server the process builds
 * then compiles a route's schema once, however many servers it builds (the
 * host's tests build one per test: compiling the routes was most of the cost
 * of a server's `ready()`). The functions kept are the ones Fastify would
 * compile itself, so each server validates and serializes as before.
 */
function compiledOnce<F extends (...args: never[]) => unknown>(factory: (externalSchemas: any, options: any) => (part: any) => F) {
  const byConfig = new Map<string, { compile: (part: any) => F; compiled: Map<string, F> }>();
  return (externalSchemas: unknown, options: unknown) => {
    const config = JSON.stringify([externalSchemas ?? null, options ?? null]);
    let entry = byConfig.get(config);
    if (!entry) {
      entry = { compile: factory(externalSchemas, options), compiled: new Map() };
      byConfig.set(config, entry);
    }
    const { compile, compiled } = entry;
    return (part: RoutePart): F => {
      const key = JSON.stringify([part.httpPart ?? null, part.httpStatus ?? null, part.contentType ?? null, part.schema ?? null]);
      const known = compiled.get(key);
      if (known) return known;
      const fn = compile(part);
      compiled.set(key, fn);
      return fn;
    };
  };
}

/**
 * The HTTP server's schema compilers (Fastify's `schemaController.compilersFactory`):
 * Fastify's own (Ajv for requests, fast-json-stringify for answers), each
 * schema compiled once per process. Fastify treats a given factory as a
 * custom validator, which leaves a `headers` schema's property names as
 * written: declare header names in lower case.
 */
export const schemaCompilers: { buildValidator: ValidatorFactory; buildSerializer: SerializerFactory } = {
  buildValidator: compiledOnce(AjvCompiler()) as unknown as ValidatorFactory,
  buildSerializer: compiledOnce(SerializerSelector()) as unknown as SerializerFactory,
};
