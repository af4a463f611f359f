/**
 * JSON Schema of the host's configuration file, in the style of the Go
 * innominatus admin-config. ajv checks the file (after environment overrides)
 * against it and reports every bad value with its field.
 */

const DURATION = '^(\\d+(\\.\\d+)?(ms|s|m|h))+$';
const SIZE = '^\\d+(\\.\\d+)?\\s*(B|KB|KiB|MB|MiB|kb|mb)?$';

const providerFilesystem = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'type', 'path'],
  properties: {
    name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63, 'x-hint': 'a DNS label (lowercase letters, digits and -)' },
    type: { const: 'filesystem' },
    path: { type: 'string', minLength: 1 },
    enabled: { type: 'boolean', default: true },
  },
};

const providerGit = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'type', 'repository', 'ref'],
  properties: {
    name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63, 'x-hint': 'a DNS label (lowercase letters, digits and -)' },
    type: { const: 'git' },
    repository: { type: 'string', minLength: 1 },
    ref: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9][-A-Za-z0-9._/]*$', 'x-hint': 'a tag, branch or commit' },
    path: { type: 'string', minLength: 1, description: 'Folder of the provider inside the repository' },
    enabled: { type: 'boolean', default: true },
  },
};

/** The configuration file's schema. Defaults are applied by ajv (`useDefaults`). */
export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    server: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        host: { type: 'string', minLength: 1, default: '127.0.0.1' },
        port: { type: 'integer', minimum: 0, maximum: 65535, default: 8081 },
        bodyLimit: { type: ['integer', 'string'], minimum: 1024, pattern: SIZE, 'x-hint': 'a size such as 65536, 512KiB or 1MiB', default: '1MiB' },
      },
    },
    store: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        url: {
          type: 'string',
          pattern: '^(sqlite:.+|postgres(ql)?://.+|memory)$',
          'x-hint': 'sqlite:<file>, postgres://... or memory',
          default: 'sqlite:./innominatus.db',
        },
      },
    },
    kubernetes: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        mode: { enum: ['kubeconfig', 'in-cluster', 'simulate'], default: 'kubeconfig' },
        kubeconfig: { type: 'string', minLength: 1 },
        context: { type: 'string', minLength: 1 },
        maxConnections: {
          type: 'integer',
          minimum: 1,
          maximum: 10000,
          description: "Most connections the Kubernetes steps open at once to the API server for requests (watches have their own); default the client's, 128",
        },
      },
    },
    auth: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        tokens: {
          type: 'array',
          default: [],
          maxItems: 1000,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'role'],
            properties: {
              name: { type: 'string', minLength: 1, maxLength: 100 },
              role: { enum: ['user', 'admin'] },
              token: { type: 'string', minLength: 16, maxLength: 4096 },
              tokenEnv: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', 'x-hint': 'an environment variable name' },
            },
          },
        },
      },
    },
    steps: {
      type: 'array',
      default: [],
      maxItems: 50,
      description: 'Step modules to load besides the Kubernetes steps: package names, or paths relative to this file',
      items: { type: 'string', minLength: 1, maxLength: 1000 },
    },
    providers: {
      type: 'array',
      default: [],
      maxItems: 200,
      items: {
        type: 'object',
        required: ['type'],
        properties: { type: { enum: ['filesystem', 'git'] } },
        if: { properties: { type: { const: 'git' } } },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema if/then keyword
        then: providerGit,
        else: providerFilesystem,
      },
    },
    orchestrator: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        concurrency: { type: 'integer', minimum: 1, maximum: 10000, default: 16 },
        pollInterval: { type: 'string', pattern: DURATION, 'x-hint': 'a duration such as 500ms, 5s or 1m', default: '5s' },
        lease: { type: 'string', pattern: DURATION, 'x-hint': 'a duration such as 10s, 30s or 2m', default: '30s' },
        instanceId: {
          type: 'string',
          minLength: 1,
          maxLength: 200,
          pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]*$',
          'x-hint': 'a name such as host-1 or the pod name: letters, digits and . _ : / -',
        },
      },
    },
    secrets: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        encryptionKey: { type: 'string', pattern: '^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$', 'x-hint': '32 bytes as 64 hex or 44 base64 characters' },
        encryptionKeyEnv: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', 'x-hint': 'an environment variable name' },
      },
    },
    score: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        innominatusDialect: {
          type: 'boolean',
          default: true,
          description: "Read innominatus' env: and properties: as Score's variables and params, with a warning",
        },
      },
    },
    logging: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
      },
    },
    telemetry: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        otlpEndpoint: {
          type: 'string',
          pattern: '^https?://[^\\s]+$',
          maxLength: 2048,
          description: 'Send OpenTelemetry traces over OTLP/HTTP to this URL (e.g. http://127.0.0.1:4318/v1/traces); none when unset',
        },
        serviceName: { type: 'string', minLength: 1, maxLength: 100, default: 'innominatus-host' },
      },
    },
  },
} as const;
