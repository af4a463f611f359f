/**
 * JSON Schema of the Score (`score.dev/v1b1`) workload fields this host reads.
 * Container fields beyond the ones named are allowed (Score has many); the
 * ones the host reads are typed. Resource and application names become
 * Kubernetes names, so they are DNS labels.
 */

const DNS_LABEL = '^[a-z]([-a-z0-9]*[a-z0-9])?$';

const stringMap = { type: 'object', maxProperties: 500, additionalProperties: { type: ['string', 'number', 'boolean'] } };

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
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 63, pattern: DNS_LABEL, 'x-hint': 'a DNS label (lowercase letters, digits and -, starting with a letter)' },
        annotations: stringMap,
      },
    },
    service: { type: 'object' },
    containers: {
      type: 'object',
      minProperties: 1,
      maxProperties: 50,
      additionalProperties: {
        type: 'object',
        required: ['image'],
        properties: {
          image: { type: 'string', minLength: 1 },
          command: { type: 'array', items: { type: 'string' } },
          args: { type: 'array', items: { type: 'string' } },
          variables: stringMap,
          env: stringMap,
        },
      },
    },
    resources: {
      type: 'object',
      maxProperties: 100,
      propertyNames: { maxLength: 63, pattern: DNS_LABEL, 'x-hint': 'a DNS label (lowercase letters, digits and -, starting with a letter)' },
      additionalProperties: {
        type: 'object',
        required: ['type'],
        additionalProperties: false,
        properties: {
          type: { type: 'string', minLength: 1, maxLength: 63 },
          class: { type: 'string' },
          id: { type: 'string' },
          metadata: { type: 'object' },
          properties: { type: 'object' },
          params: { type: 'object' },
        },
      },
    },
  },
} as const;
