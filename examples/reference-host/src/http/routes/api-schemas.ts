/**
 * JSON schemas of the answers of the spec, resource, provider and health
 * routes: fastify serializes with them and `/openapi.json` publishes them.
 * Free-form parts (a Score spec, properties, outputs, an error's causes) are
 * open objects, so nothing of them is dropped.
 */

import { errorBody } from './operator-schemas';

const open = { type: 'object', additionalProperties: true } as const;
const strings = { type: 'array', items: { type: 'string' } } as const;

/** A journaled error: code and message, and what else it carries (step, causes, ...). */
const journaledError = { ...open, required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } as const;

/** One issue of a user's input: field, message, and line and column for YAML. */
const issueSchema = {
  type: 'object',
  required: ['field', 'message'],
  properties: { field: { type: 'string' }, message: { type: 'string' }, line: { type: 'integer' }, col: { type: 'integer' } },
} as const;

/** A resource as the API shows it (sensitive values as `***`). */
export const resourceSchema = {
  type: 'object',
  required: ['id', 'application', 'name', 'type', 'state', 'generation', 'properties', 'outputs', 'attempts', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    application: { type: 'string' },
    name: { type: 'string' },
    type: { type: 'string' },
    state: { type: 'string' },
    generation: { type: 'integer' },
    properties: open,
    outputs: open,
    pendingOperation: { enum: ['create', 'update', 'delete'] },
    runId: { type: 'string' },
    error: journaledError,
    retrying: {
      type: 'object',
      required: ['attempts', 'nextAttemptAt', 'lastError'],
      properties: {
        attempts: { type: 'integer' },
        nextAttemptAt: { type: 'string' },
        since: { type: 'string' },
        lastError: errorBody,
      },
    },
    attempts: { type: 'integer' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

/** `GET /api/resources`: a page of resources. */
export const resourceListSchema = {
  type: 'object',
  required: ['resources'],
  properties: { resources: { type: 'array', items: resourceSchema }, next: { type: 'string' } },
} as const;

/** `GET /api/resources/{id}`: a resource with its history and its current run's steps. */
export const resourceDetailSchema = {
  ...resourceSchema,
  required: [...resourceSchema.required, 'history'],
  properties: {
    ...resourceSchema.properties,
    history: {
      type: 'array',
      items: {
        type: 'object',
        required: ['to', 'at', 'reason'],
        properties: { from: { type: 'string' }, to: { type: 'string' }, at: { type: 'string' }, reason: { type: 'string' } },
      },
    },
    run: {
      type: 'object',
      required: ['id', 'status', 'attempt', 'steps'],
      properties: {
        id: { type: 'string' },
        workflow: { type: 'string' },
        status: { type: 'string' },
        attempt: { type: 'integer' },
        error: journaledError,
        steps: {
          type: 'array',
          items: {
            type: 'object',
            required: ['index', 'name', 'type', 'status', 'attempt', 'startedAt'],
            properties: {
              index: { type: 'integer' },
              name: { type: 'string' },
              type: { type: 'string' },
              status: { type: 'string' },
              attempt: { type: 'integer' },
              startedAt: { type: 'string' },
              endedAt: { type: 'string' },
              error: journaledError,
            },
          },
        },
      },
    },
  },
} as const;

/** What a submitted, planned or deleted spec did (or would do) to each resource. */
export const applyResultSchema = {
  type: 'object',
  required: ['application', 'changes', 'unchanged', 'failed', 'waiting', 'warnings'],
  properties: {
    application: { type: 'string' },
    dryRun: { type: 'boolean', enum: [true] },
    changes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['action', 'name', 'type', 'reason'],
        properties: {
          action: { enum: ['create', 'update', 'delete'] },
          name: { type: 'string' },
          type: { type: 'string' },
          reason: { type: 'string' },
          id: { type: 'string' },
          state: { type: 'string' },
        },
      },
    },
    unchanged: strings,
    failed: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'id'],
        properties: {
          name: { type: 'string' },
          id: { type: 'string' },
          operation: { type: 'string' },
          error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
    waiting: {
      type: 'array',
      items: { type: 'object', required: ['name', 'type', 'on'], properties: { name: { type: 'string' }, type: { type: 'string' }, on: strings } },
    },
    warnings: { type: 'array', items: issueSchema },
  },
} as const;

/** `GET /api/specs`: a page of spec summaries. */
export const specListSchema = {
  type: 'object',
  required: ['specs'],
  properties: {
    specs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'submittedAt', 'resources'],
        properties: { name: { type: 'string' }, submittedAt: { type: 'string' }, resources: strings },
      },
    },
    next: { type: 'string' },
  },
} as const;

/** `GET /api/specs/{name}`: the stored spec and the resources it stands for. */
export const storedSpecSchema = {
  type: 'object',
  required: ['name', 'submittedAt', 'spec', 'resources'],
  properties: { name: { type: 'string' }, submittedAt: { type: 'string' }, spec: open, resources: { type: 'array', items: resourceSchema } },
} as const;

/** `GET /api/specs/{name}/resolved`: the Score spec with its placeholders filled. */
export const resolvedSpecSchema = { ...open, required: ['apiVersion', 'metadata', 'containers'] } as const;

/** `GET /api/providers`: each configured provider, what became of it, and what it serves. */
export const providerListSchema = {
  type: 'object',
  required: ['providers'],
  properties: {
    providers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'enabled', 'status', 'source', 'diagnostics'],
        properties: {
          name: { type: 'string' },
          enabled: { type: 'boolean' },
          status: { enum: ['registered', 'failed', 'disabled'] },
          source: open,
          diagnostics: { type: 'array', items: open },
          version: { type: 'string' },
          description: { type: 'string' },
          category: { type: 'string' },
          resourceTypes: strings,
          capabilities: {
            type: 'array',
            items: {
              type: 'object',
              required: ['type', 'operations'],
              properties: { type: { type: 'string' }, aliasFor: { type: 'string' }, classes: strings, operations: open },
            },
          },
          workflows: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name'],
              properties: {
                name: { type: 'string' },
                description: { type: 'string' },
                operation: { type: 'string' },
                category: { type: 'string' },
                version: { type: 'string' },
              },
            },
          },
        },
      },
    },
  },
} as const;

/** `GET /healthz`: ok, or (503) unavailable with an error without detail. */
export const healthSchema = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { enum: ['ok', 'unavailable'] },
    error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } },
  },
} as const;

/** A text answer of the given content type (Prometheus metrics, server-sent events). */
export function textAnswer(contentType: string, description: string) {
  return { description, content: { [contentType]: { schema: { type: 'string' } } } };
}
