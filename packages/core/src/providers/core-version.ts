/** The version of `@innominatus/core`, checked against a provider's `compatibility` range. */
export const CORE_VERSION = '1.0.0';
