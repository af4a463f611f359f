export { redisOperator, REDIS_API_VERSION, REDIS_KIND, REDIS_FINALIZER } from './redis-operator';
export type { RedisOperator, RedisOperatorOptions } from './redis-operator';
export { redisCrd } from './redis-crd';
