import AjvCompiler, { type ValidatorFactory } from '@fastify/ajv-compiler';
import SerializerSelector, { type SerializerFactory } from '@fastify/fast-json-stringify-compiler';

/** What Fastify hands a compiler for one part of a route: the part's schema, and which part it is. */
interface RoutePart {
  schema?: unknown;
  httpPart?: string;
  httpStatus?: string;
  contentType?: string;
}

/** A factory of Fastify's: given the shared schemas and the options, a compiler of route parts. */
type CompilerFactory<F> = (externalSchemas: any, options: any) => (part: any) => F;

/**
 * A factory like `newFactory()`'s (Fastify's default one) with each function
 * it compiles kept for the process, by what it was compiled from: the shared
 * schemas and the options, and the route part's schema, by content (JSON).
 * Every server the process builds then compiles a route's schema once,
 * however many servers it builds (the host's tests build one per test:
 * compiling the routes was most of the cost of a server's `ready()`). The
 * functions kept are the ones Fastify would compile itself, so each server
 * validates and serializes as before. What JSON cannot tell apart (options
 * with functions, such as Ajv plugins; non-finite numbers, regular
 * expressions) is compiled by a factory of its own and not kept, as Fastify
 * would for each server. `vet` sees each part before it is compiled.
 */
function compiledOnce<F extends (...args: never[]) => unknown>(newFactory: () => CompilerFactory<F>, vet: (part: RoutePart) => void = () => undefined) {
  const factory = newFactory();
  const byConfig = new Map<string, { compile: (part: any) => F; compiled: Map<string, F> }>();
  return (externalSchemas: unknown, options: unknown) => {
    const config = jsonKey([externalSchemas ?? null, options ?? null]);
    let entry = config === undefined ? undefined : byConfig.get(config);
    if (!entry) {
      // A factory's compilers share one Ajv per options as JSON: options JSON cannot say get a factory of their own.
      entry = { compile: (config === undefined ? newFactory() : factory)(externalSchemas, options), compiled: new Map() };
      if (config !== undefined) byConfig.set(config, entry);
    }
    const { compile, compiled } = entry;
    return (part: RoutePart): F => {
      const key = jsonKey([part.httpPart ?? null, part.httpStatus ?? null, part.contentType ?? null, part.schema ?? null]);
      const known = key === undefined ? undefined : compiled.get(key);
      if (known) return known;
      vet(part);
      const fn = compile(part);
      if (key !== undefined) compiled.set(key, fn);
      return fn;
    };
  };
}

/**
 * `value` as JSON, or undefined when JSON would not tell it apart from
 * another value: it holds a function, a symbol, a bigint, a non-finite
 * number, or an object other than a plain object or array (a RegExp, a Map,
 * a class instance: JSON writes only its own fields, or none).
 */
function jsonKey(value: unknown): string | undefined {
  let exact = true;
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint' || (typeof v === 'number' && !Number.isFinite(v)) || notPlain(v)) {
      exact = false;
      return null;
    }
    return v;
  });
  return exact ? text : undefined;
}

/** True for an object whose prototype is neither Object's nor Array's (nor none). */
function notPlain(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto !== Object.prototype && proto !== Array.prototype && proto !== null;
}

/** Keywords whose object keys are property names (here: header names). */
const NAME_KEYED = new Set(['properties', 'dependencies', 'dependentRequired', 'dependentSchemas']);
/** Keywords whose values are data, not schemas: not searched for header names. */
const DATA = new Set(['enum', 'const', 'default', 'examples']);

/**
 * Throws unless every header name a route's `headers` schema names (in
 * `properties`, `required` and the dependency keywords, at any depth) is in
 * lower case. Node.js gives every request header name in lower case, and
 * Fastify lower-cases the schema only for its own compilers, not for these:
 * a schema naming `X-Token` would refuse every request (`required`) or never
 * check the header (`properties`). Fastify reports the error as
 * `FST_ERR_SCH_VALIDATION_BUILD`, naming the route.
 */
function refuseCapitalHeaderNames(part: RoutePart): void {
  if (part.httpPart !== 'headers') return;
  const found = capitalNames(part.schema, '');
  if (found.length > 0) {
    throw new Error(`the headers schema names header ${found.join(', ')}: write header names in lower case, as requests arrive with them`);
  }
}

/** The names in capitals of a headers schema, each as `'Name' at /json/pointer`. */
function capitalNames(schema: unknown, at: string): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const found: string[] = [];
  const name = (n: unknown, where: string) => {
    if (typeof n === 'string' && n !== n.toLowerCase()) found.push(`'${n}' at ${where}`);
  };
  for (const [key, value] of Object.entries(schema)) {
    const where = `${at}/${key}`;
    if (DATA.has(key)) continue;
    if (key === 'required' && Array.isArray(value)) for (const [i, n] of value.entries()) name(n, `${where}/${i}`);
    else if (NAME_KEYED.has(key) && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [n, sub] of Object.entries(value)) {
        name(n, `${where}/${n}`);
        if (Array.isArray(sub)) for (const [i, d] of sub.entries()) name(d, `${where}/${n}/${i}`);
        else found.push(...capitalNames(sub, `${where}/${n}`));
      }
    } else found.push(...capitalNames(value, where));
  }
  return found;
}

/**
 * The HTTP server's schema compilers (Fastify's `schemaController.compilersFactory`):
 * Fastify's own (Ajv for requests, fast-json-stringify for answers), each
 * schema compiled once per process. Fastify treats a given factory as a
 * custom validator, which leaves a `headers` schema's property names as
 * written, while a request's header names arrive in lower case: a headers
 * schema that names a header in capitals is refused (see
 * {@link refuseCapitalHeaderNames}).
 */
export const schemaCompilers: { buildValidator: ValidatorFactory; buildSerializer: SerializerFactory } = {
  buildValidator: compiledOnce(() => AjvCompiler(), refuseCapitalHeaderNames) as unknown as ValidatorFactory,
  buildSerializer: compiledOnce(() => SerializerSelector()) as unknown as SerializerFactory,
};
