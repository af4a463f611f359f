/**
 * `@innominatus/steps-kubernetes/crd`: CustomResourceDefinitions read and
 * checked like the API server does, and custom resources validated against
 * them (structural schema, pruning, defaults, CEL rules), with 422 causes
 * per field path.
 *
 * @packageDocumentation
 */
export { loadCrd, loadCrds, MAX_CRD_BYTES } from './load-crd';
export { validateCustomResource } from './custom-resource';
export { builtinKinds } from './builtin-kinds';
export type { ValidateCustomResourceOptions, CustomResourceVerdict } from './custom-resource';
export { CrdError } from './crd-error';
export type { CrdErrorCode } from './crd-error';
export { invalidMessage, causeText } from './causes';
export { formatPath } from './field-path';
export type {
  LoadedCrd,
  CrdVersion,
  JSONSchemaProps,
  ValidationRule,
  PrinterColumn,
  FieldCause,
  FieldPath,
  CauseReason,
  FieldValidation,
} from './types';
