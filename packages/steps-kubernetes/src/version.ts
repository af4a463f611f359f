/** The version of `@innominatus/steps-kubernetes`, also the version of each of its step types; a test keeps it equal to package.json's. */
export const STEPS_KUBERNETES_VERSION = '1.0.0';
