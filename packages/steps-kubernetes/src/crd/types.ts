/**
 * The subset of a CustomResourceDefinition's `openAPIV3Schema` (JSONSchemaProps)
 * the structural-schema checks understand.
 */
export interface JSONSchemaProps {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  format?: string;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  items?: JSONSchemaProps;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
  nullable?: boolean;
  default?: unknown;
  allOf?: JSONSchemaProps[];
  anyOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-validations'?: ValidationRule[];
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  [keyword: string]: unknown;
}

/** One `x-kubernetes-validations` entry (a CEL rule). */
export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

/** A CRD's `additionalPrinterColumns` entry. */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  format?: string;
  priority?: number;
}

/** The reason of one {@link FieldCause}, as the API server names it in a `Status`'s causes. */
export type CauseReason =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueTypeInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueUnknown';

/** One problem with one field, as in the `details.causes` of a 422 `Status`. */
export interface FieldCause {
  reason: CauseReason;
  /** What is wrong, without the field path, e.g. `Unsupported value: "19": supported values: "14", "15"`. */
  message: string;
  /** The field path, e.g. `spec.postgresql.version` or `spec.items[0].name`. */
  field: string;
  /** The same path as keys and indexes (unambiguous when a key holds a dot), to find the field in a source file. */
  path: FieldPath;
}

/** A path into a JSON value: object keys and array indexes. */
export type FieldPath = ReadonlyArray<string | number>;

/** One served version of a custom resource. */
export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  /** The version's `schema.openAPIV3Schema` (undefined only for CRDs that preserve everything). */
  schema: JSONSchemaProps;
  statusSubresource: boolean;
  printerColumns: PrinterColumn[];
}

/** A loaded CustomResourceDefinition: names, scope and versions with their schemas. */
export interface LoadedCrd {
  /** `metadata.name`, `<plural>.<group>`. */
  name: string;
  group: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  namespaced: boolean;
  versions: CrdVersion[];
  /** The CRD object as given (plain JSON). */
  definition: Record<string, unknown>;
}

/** How unknown fields are treated, like the API server's `fieldValidation` query parameter. */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';
