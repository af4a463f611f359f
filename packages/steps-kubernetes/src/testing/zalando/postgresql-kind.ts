/** The API version of the Zalando postgres-operator's `postgresql` custom resource. */
export const POSTGRESQL_API_VERSION = 'acid.zalan.do/v1';
/** The kind name (lower case, as the operator defines it). */
export const POSTGRESQL_KIND = 'postgresql';
