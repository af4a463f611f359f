/**
 * JSON schemas of the operator routes' answers: fastify serializes with them
 * (fields not named here never leave the host) and `/openapi.json` publishes them.
 */

/** `{ code, message }`: an error as the API shows it, without its detail. */
export const errorBody = {
  type: 'object',
  required: ['code', 'message'],
  properties: { code: { type: 'string' }, message: { type: 'string' } },
} as const;

/** `{ error: { code, message, issues? } }`, every error answer. */
export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      ...errorBody,
      properties: {
        ...errorBody.properties,
        issues: {
          type: 'array',
          items: { type: 'object', additionalProperties: true, properties: { field: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
} as const;

/** A node and an edge of the resource graph. */
export const graphSchema = {
  type: 'object',
  required: ['application', 'nodes', 'edges'],
  properties: {
    application: { type: 'string' },
    nodes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'kind', 'label'],
        properties: {
          id: { type: 'string' },
          kind: { enum: ['application', 'resource', 'provider', 'workflow', 'step'] },
          label: { type: 'string' },
          state: { type: 'string' },
          detail: { type: 'string' },
        },
      },
    },
    edges: {
      type: 'array',
      items: {
        type: 'object',
        required: ['from', 'to', 'kind'],
        properties: { from: { type: 'string' }, to: { type: 'string' }, kind: { enum: ['has', 'served-by', 'runs', 'step', 'next', 'shares'] } },
      },
    },
  },
} as const;

/** One step of a run: status, timing, try number, recent progress messages. */
export const stepSchema = {
  type: 'object',
  required: ['index', 'name', 'type', 'status', 'attempt', 'startedAt', 'progress'],
  properties: {
    index: { type: 'integer' },
    name: { type: 'string' },
    type: { type: 'string' },
    status: { type: 'string' },
    attempt: { type: 'integer' },
    startedAt: { type: 'string', format: 'date-time' },
    endedAt: { type: 'string', format: 'date-time' },
    durationMs: { type: 'integer' },
    error: errorBody,
    progress: { type: 'array', items: { type: 'object', required: ['at', 'message'], properties: { at: { type: 'string' }, message: { type: 'string' } } } },
  },
} as const;

/** A workflow run of a resource with its steps. */
export const runSchema = {
  type: 'object',
  required: ['id', 'resourceId', 'application', 'resource', 'type', 'operation', 'generation', 'status', 'attempt', 'createdAt', 'updatedAt', 'steps'],
  properties: {
    id: { type: 'string' },
    resourceId: { type: 'string' },
    application: { type: 'string' },
    resource: { type: 'string' },
    type: { type: 'string' },
    operation: { enum: ['create', 'update', 'delete'] },
    generation: { type: 'integer' },
    workflow: { type: 'string' },
    status: { type: 'string' },
    attempt: { type: 'integer' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    error: errorBody,
    steps: { type: 'array', items: stepSchema },
  },
} as const;

/** `{ workflows }`: runs, newest first. */
export const runListSchema = {
  type: 'object',
  required: ['workflows'],
  properties: { workflows: { type: 'array', items: runSchema } },
} as const;

/** The path parameters `{ id }` of a route, the id matching `pattern` and at most `maxLength` characters. */
export const idParamsSchema = (pattern: string, maxLength: number) =>
  ({ type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength, pattern } } }) as const;

/** One Score application with a summary of its resources. */
export const applicationSchema = {
  type: 'object',
  required: ['name', 'resources', 'states'],
  properties: {
    name: { type: 'string' },
    submittedAt: { type: 'string' },
    resources: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name', 'type', 'state'],
        properties: { id: { type: 'string' }, name: { type: 'string' }, type: { type: 'string' }, state: { type: 'string' } },
      },
    },
    /** How many resources are in each state. */
    states: { type: 'object', additionalProperties: { type: 'integer' } },
  },
} as const;

/** The answer of `/ready`. */
export const readySchema = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { enum: ['ready', 'unavailable'] },
    checks: { type: 'object', additionalProperties: { enum: ['ok', 'unavailable'] } },
  },
} as const;
