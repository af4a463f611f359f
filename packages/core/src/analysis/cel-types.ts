/**
 * CEL types from JSON Schemas, for the type checker. An object schema whose
 * fields are known becomes a CEL message type named after where it is
 * (`Steps.db.outputs`), so that the checker's messages name it; anything the
 * schema leaves open is `dyn`, which the checker accepts everywhere.
 */

/** A CEL type as the checker's declarations spell it: `int`, `list<string>`, `Steps.db.outputs`. */
export type CelType = string;

/** A message type to register: its name and the CEL type of each field. */
export interface MessageType {
  name: string;
  fields: Record<string, CelType>;
}

/** How a JSON Schema maps to CEL where the run-time values leave a choice. */
export interface SchemaTypeOptions {
  /**
   * The CEL type of `type: number`: `double` where the engine always passes a
   * double (declared parameters), `dyn` where a whole number arrives as an int.
   */
  number: 'double' | 'dyn';
  /**
   * An object schema with `properties` and no `additionalProperties` is closed
   * (a step returns what it declares) rather than open (a caller may add fields).
   */
  closedObjects: boolean;
}

const MAX_TYPE_DEPTH = 12;

/** Below the top level, a whole number is an int at run time whatever the schema says. */
function nested(options: SchemaTypeOptions): SchemaTypeOptions {
  return options.number === 'dyn' ? options : { ...options, number: 'dyn' };
}

/** Collects the message types that a set of schemas needs. */
export class CelTypeBuilder {
  readonly messages: MessageType[] = [];
  readonly #names = new Set<string>();

  /** The CEL type of values that `schema` accepts; object types are named `name`. */
  fromSchema(schema: unknown, name: string, options: SchemaTypeOptions, depth = 0): CelType {
    if (!isNode(schema) || depth > MAX_TYPE_DEPTH) return 'dyn';
    if (['anyOf', 'oneOf', 'allOf', 'not', 'if'].some((k) => schema[k] !== undefined)) return 'dyn';
    if (Array.isArray(schema.enum)) return enumType(schema.enum);
    if (schema.const !== undefined) return enumType([schema.const]);
    switch (schema.type) {
      case 'string':
        return 'string';
      case 'integer':
        return 'int';
      case 'number':
        return options.number;
      case 'boolean':
        return 'bool';
      case 'array':
        return `list<${this.fromSchema(schema.items, `${name}.item`, nested(options), depth + 1)}>`;
      case 'object':
        return this.#object(schema, name, options, depth);
      case undefined:
        return isNode(schema.properties) ? this.#object(schema, name, options, depth) : 'dyn';
      default:
        return 'dyn';
    }
  }

  /** Declares a message type with the given fields and returns its (unique) name. */
  message(name: string, fields: Record<string, CelType>): CelType {
    let unique = sanitize(name);
    for (let i = 2; this.#names.has(unique); i++) unique = `${sanitize(name)}${i}`;
    this.#names.add(unique);
    this.messages.push({ name: unique, fields });
    return unique;
  }

  #object(schema: Record<string, unknown>, name: string, options: SchemaTypeOptions, depth: number): CelType {
    const props = isNode(schema.properties) ? schema.properties : undefined;
    const extra = schema.additionalProperties;
    const closed = extra === false || (extra === undefined && options.closedObjects);
    if (props && Object.keys(props).length > 0 && closed && schema.patternProperties === undefined) {
      const fields: Record<string, CelType> = {};
      for (const [key, sub] of Object.entries(props)) fields[key] = this.fromSchema(sub, `${name}.${key}`, nested(options), depth + 1);
      return this.message(name, fields);
    }
    if (isNode(extra) && props === undefined && schema.patternProperties === undefined) {
      return `map<string, ${this.fromSchema(extra, `${name}.value`, nested(options), depth + 1)}>`;
    }
    return 'map<string, dyn>';
  }
}

/** The JSON type (as a JSON Schema names it) of values of a CEL type, or undefined when not known. */
export function jsonTypeOf(type: CelType | undefined): string | undefined {
  if (type === undefined) return undefined;
  if (type === 'string') return 'string';
  if (type === 'int' || type === 'uint') return 'integer';
  if (type === 'double') return 'number';
  if (type === 'bool') return 'boolean';
  if (type === 'null') return 'null';
  if (type.startsWith('list<') || type === 'list') return 'array';
  if (type.startsWith('map<') || type === 'map') return 'object';
  // Message types are ours: always upper-case roots.
  if (/^[A-Z]/.test(type)) return 'object';
  return undefined;
}

/** The CEL type of a literal value (from YAML) as the engine converts it. */
export function literalType(value: unknown): CelType {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'int' : 'double';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list<dyn>';
  if (typeof value === 'object') return 'map<string, dyn>';
  return 'dyn';
}

function enumType(values: unknown[]): CelType {
  if (values.length > 0 && values.every((v) => typeof v === 'string')) return 'string';
  if (values.length > 0 && values.every((v) => typeof v === 'boolean')) return 'bool';
  return 'dyn';
}

/** Message type names: letters, digits, `_` and `.`-separated parts, each starting with a letter or `_`. */
function sanitize(name: string): string {
  return name
    .split('.')
    .map((part) => {
      const clean = part.replace(/[^A-Za-z0-9_]/g, '_');
      return /^[A-Za-z_]/.test(clean) ? clean : `_${clean}`;
    })
    .join('.');
}

function isNode(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
