/**
 * JSON Schema of a Score `score.dev/v1b1` workload, written from the Score
 * specification: the same field names, patterns, required fields and closed
 * objects, so that a workload the Score tools accept is accepted here and one
 * they refuse is refused. Two rules the schema cannot say in readable words
 * (a file has exactly one of `content`, `binaryContent` or `source`; a probe
 * has `httpGet` or `exec`) are checked by `score-shape.ts`.
 */

/** A workload, container, resource or port name: an RFC 1123 label of 2 to 63 characters (may start with a digit); the pattern holds the length. */
export const SCORE_NAME = '^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$';
const NAME_HINT = 'a name of 2 to 63 lowercase letters, digits and -, not starting or ending with -';

/** A resource type or class. */
const TYPE_NAME = '^[A-Za-z0-9][A-Za-z0-9-]{0,61}[A-Za-z0-9]$';
const TYPE_HINT = '2 to 63 letters, digits and -, not starting or ending with -';

/** A shared resource id: dot-separated labels of lowercase letters, digits and inner -. */
const RESOURCE_ID = '^[a-z0-9]+(?:-+[a-z0-9]+)*(?:\\.[a-z0-9]+(?:-+[a-z0-9]+)*)*$';

/** A Kubernetes-style annotation key: an optional DNS prefix and `/`, then a name. */
const ANNOTATION_KEY = '^(([a-z0-9][a-z0-9-]{0,61}[a-z0-9])(\\.[a-z0-9][a-z0-9-]{0,61}[a-z0-9])*/)?[A-Za-z0-9][A-Za-z0-9._-]{0,61}[A-Za-z0-9]$';

const name = (hint = NAME_HINT) => ({ type: 'string', pattern: SCORE_NAME, 'x-hint': hint });

const annotations = {
  type: 'object',
  maxProperties: 500,
  propertyNames: { maxLength: 316, pattern: ANNOTATION_KEY, 'x-hint': 'an annotation key (an optional DNS prefix and /, then letters, digits, ., _ and -)' },
  additionalProperties: { type: 'string' },
};

const port = { type: 'integer', minimum: 1, maximum: 65535 };

const quantities = {
  type: 'object',
  additionalProperties: false,
  properties: {
    memory: {
      type: 'string',
      pattern: '^(0\\.\\d+|[1-9]\\d*(\\.\\d+)?)(K|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$',
      'x-hint': 'bytes with an optional unit, such as 128Mi or 1.5G',
    },
    cpu: { type: 'string', pattern: '^\\d+(?:m|\\.\\d+)?$', 'x-hint': 'whole or fractional CPUs, or millicpus, such as 2, 0.5 or 250m' },
  },
};

const fileFields = {
  mode: { type: 'string', pattern: '^0?[0-7]{3}$', 'x-hint': 'an octal file mode such as 0644' },
  source: { type: 'string', minLength: 1 },
  content: { type: 'string' },
  binaryContent: { type: 'string' },
  noExpand: { type: 'boolean' },
};

const volumeFields = {
  source: { type: 'string' },
  path: { type: 'string' },
  readOnly: { type: 'boolean' },
};

/** A map of target path → item, or the older list of items that carry their `target`. */
const targetMap = (fields: Record<string, unknown>, required: string[] = []) => ({
  type: ['object', 'array'],
  if: { type: 'array' },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema if/then keyword
  then: {
    maxItems: 500,
    items: { type: 'object', additionalProperties: false, required, properties: { target: { type: 'string', minLength: 1 }, ...fields } },
  },
  else: { maxProperties: 500, additionalProperties: { type: 'object', additionalProperties: false, required, properties: fields } },
});

const probe = {
  type: 'object',
  additionalProperties: false,
  properties: {
    httpGet: {
      type: 'object',
      additionalProperties: false,
      required: ['port', 'path'],
      properties: {
        host: { type: 'string', minLength: 1 },
        scheme: { enum: ['HTTP', 'HTTPS'] },
        path: { type: 'string' },
        port,
        httpHeaders: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'value'],
            properties: { name: { type: 'string', pattern: '^[A-Za-z0-9_-]+$', 'x-hint': 'an HTTP header name' }, value: { type: 'string', minLength: 1 } },
          },
        },
      },
    },
    exec: { type: 'object', additionalProperties: false, required: ['command'], properties: { command: { type: 'array', items: { type: 'string' } } } },
  },
};

const container = {
  type: 'object',
  required: ['image'],
  additionalProperties: false,
  properties: {
    image: { type: 'string', minLength: 1 },
    command: { type: 'array', items: { type: 'string' } },
    args: { type: 'array', items: { type: 'string' } },
    variables: {
      type: 'object',
      maxProperties: 500,
      propertyNames: { pattern: '^[^=]+$', 'x-hint': 'a variable name without =' },
      additionalProperties: { type: 'string' },
    },
    files: targetMap(fileFields),
    volumes: targetMap(volumeFields, ['source']),
    before: {
      type: 'object',
      propertyNames: name(),
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['ready'],
        properties: { ready: { enum: ['started', 'healthy', 'complete'] } },
      },
    },
    resources: { type: 'object', additionalProperties: false, properties: { limits: quantities, requests: quantities } },
    livenessProbe: probe,
    readinessProbe: probe,
  },
};

const resource = {
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', pattern: TYPE_NAME, 'x-hint': `a resource type of ${TYPE_HINT}` },
    class: { type: 'string', pattern: TYPE_NAME, 'x-hint': `a resource class of ${TYPE_HINT}` },
    id: {
      type: 'string',
      minLength: 2,
      maxLength: 63,
      pattern: RESOURCE_ID,
      'x-hint': 'an id of dot-separated labels of lowercase letters, digits and inner -',
    },
    metadata: { type: 'object', properties: { annotations } },
    params: { type: 'object' },
  },
};

/** The Score workload schema. */
export const scoreSchema = {
  type: 'object',
  required: ['apiVersion', 'metadata', 'containers'],
  additionalProperties: false,
  properties: {
    apiVersion: { const: 'score.dev/v1b1' },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: { name: name(), annotations },
    },
    service: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ports: {
          type: 'object',
          maxProperties: 100,
          propertyNames: name(),
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            required: ['port'],
            properties: { port, protocol: { enum: ['TCP', 'UDP'] }, targetPort: port },
          },
        },
      },
    },
    containers: { type: 'object', minProperties: 1, maxProperties: 50, propertyNames: name(), additionalProperties: container },
    resources: { type: 'object', maxProperties: 100, propertyNames: name(), additionalProperties: resource },
  },
} as const;
