/** The Redis kind of the OpsTree redis-operator. */
export const REDIS_API_VERSION = 'redis.redis.opstreelabs.in/v1beta2';
export const REDIS_KIND = 'Redis';
/** The finalizer the operator puts on every Redis it reconciles. */
export const REDIS_FINALIZER = 'redisFinalizer';
