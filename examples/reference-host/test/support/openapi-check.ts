import { Ajv, type ValidateFunction } from 'ajv';
import type { LightMyRequestResponse } from 'fastify';

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
}

const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
/** Each schema object of a document compiled once (a document's schemas are not changed while it is checked against). */
const validators = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: object): ValidateFunction {
  const known = validators.get(schema);
  if (known) return known;
  const validate = ajv.compile(schema);
  validators.set(schema, validate);
  return validate;
}

/**
 * Checks an answer against the OpenAPI document: the route, its status and
 * the content type must be documented with a schema, and the body must match it.
 * Returns the problems found (none when it conforms).
 */
export function openApiProblems(doc: OpenApiDocument, method: string, route: string, res: LightMyRequestResponse): string[] {
  const op = doc.paths[route]?.[method.toLowerCase()];
  if (!op) return [`${method} ${route} is not in the document`];
  const response = op.responses?.[String(res.statusCode)];
  if (!response) return [`${method} ${route} does not document status ${res.statusCode}`];
  const type = String(res.headers['content-type'] ?? '').split(';')[0]!;
  const schema = response.content?.[type]?.schema;
  if (!schema) return [`${method} ${route} ${res.statusCode} does not document content type '${type}'`];
  const validate = validatorFor(schema as object);
  const body = type === 'application/json' ? res.json() : res.body;
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${method} ${route} ${res.statusCode}: ${e.instancePath || '(body)'} ${e.message}`);
}
