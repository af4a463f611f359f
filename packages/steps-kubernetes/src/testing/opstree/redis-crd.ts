import type { MockObject } from '../types';

/**
 * The CustomResourceDefinition of the OpsTree redis-operator's `Redis`
 * (redis.redis.opstreelabs.in/v1beta2), as its chart installs it (the parts
 * of its schema a standalone Redis uses): what `--simulate` installs.
 */
export function redisCrd(): MockObject {
  return structuredClone(REDIS_CRD);
}

const REDIS_CRD: MockObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: {
    name: 'redis.redis.redis.opstreelabs.in',
  },
  spec: {
    group: 'redis.redis.opstreelabs.in',
    names: {
      kind: 'Redis',
      listKind: 'RedisList',
      plural: 'redis',
      singular: 'redis',
    },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1beta2',
        served: true,
        storage: true,
        subresources: {
          status: {},
        },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            required: ['spec'],
            properties: {
              apiVersion: {
                type: 'string',
              },
              kind: {
                type: 'string',
              },
              metadata: {
                type: 'object',
              },
              spec: {
                type: 'object',
                required: ['kubernetesConfig'],
                properties: {
                  kubernetesConfig: {
                    type: 'object',
                    required: ['image'],
                    properties: {
                      image: {
                        type: 'string',
                      },
                      imagePullPolicy: {
                        type: 'string',
                      },
                      redisSecret: {
                        description: 'the existing Secret and key holding the password (REDIS_PASSWORD of the container)',
                        type: 'object',
                        properties: {
                          name: {
                            type: 'string',
                          },
                          key: {
                            type: 'string',
                          },
                        },
                      },
                      resources: {
                        type: 'object',
                        properties: {
                          limits: {
                            type: 'object',
                            additionalProperties: {
                              anyOf: [
                                {
                                  type: 'integer',
                                },
                                {
                                  type: 'string',
                                },
                              ],
                              'x-kubernetes-int-or-string': true,
                            },
                          },
                          requests: {
                            type: 'object',
                            additionalProperties: {
                              anyOf: [
                                {
                                  type: 'integer',
                                },
                                {
                                  type: 'string',
                                },
                              ],
                              'x-kubernetes-int-or-string': true,
                            },
                          },
                        },
                      },
                    },
                  },
                  storage: {
                    type: 'object',
                    properties: {
                      keepAfterDelete: {
                        description: 'keep the PersistentVolumeClaim when the Redis is deleted (default false, the operator deletes it)',
                        type: 'boolean',
                      },
                      volumeClaimTemplate: {
                        type: 'object',
                        properties: {
                          spec: {
                            type: 'object',
                            properties: {
                              accessModes: {
                                type: 'array',
                                items: {
                                  type: 'string',
                                },
                              },
                              storageClassName: {
                                type: 'string',
                              },
                              resources: {
                                type: 'object',
                                properties: {
                                  requests: {
                                    type: 'object',
                                    additionalProperties: {
                                      anyOf: [
                                        {
                                          type: 'integer',
                                        },
                                        {
                                          type: 'string',
                                        },
                                      ],
                                      'x-kubernetes-int-or-string': true,
                                    },
                                  },
                                },
                              },
                            },
                          },
                        },
                      },
                    },
                  },
                  redisExporter: {
                    type: 'object',
                    properties: {
                      enabled: {
                        type: 'boolean',
                      },
                      image: {
                        type: 'string',
                      },
                    },
                  },
                  podSecurityContext: {
                    type: 'object',
                    properties: {
                      runAsUser: {
                        type: 'integer',
                        format: 'int64',
                      },
                      fsGroup: {
                        type: 'integer',
                        format: 'int64',
                      },
                    },
                  },
                },
              },
              status: {
                description: 'the operator writes no status for a standalone Redis',
                type: 'object',
              },
            },
          },
        },
      },
    ],
  },
};
