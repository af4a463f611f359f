/**
 * `@innominatus/core/internal`: helpers the other `@innominatus` packages
 * (provider-sdk, steps-kubernetes, store-sql) share with core. They are not
 * part of core's public API and carry no compatibility promise: any release
 * may change or remove them. Use the root entry (or `@innominatus/core/store`
 * to implement a store) instead.
 *
 * @packageDocumentation
 */
export { scanTemplate } from '../expressions/template-scanner';
export type { TemplatePart } from '../expressions/template-scanner';
export { escapePointer, pointerOf, pointerSegments, valueAtPointer } from '../util/json-pointer';
export { placedSteps } from '../model/workflow';
export type { PlacedStep } from '../model/workflow';
export { abortable } from '../util/abortable';
export { checkAgainstSchema } from '../analysis/schema-issues';
export type { SchemaIssue } from '../analysis/schema-issues';
export { usePrecompiledValidator } from '../util/ajv';
export type { PrecompiledValidator } from '../util/ajv';
export { checkingValidatorsSource } from '../util/standalone-validators';
export { lookupSchema } from '../analysis/schema-lookup';
export type { SchemaLookup } from '../analysis/schema-lookup';
export { checkNodeSupport, SUPPORTED_NODE } from '../util/node-support';
export { hasBrand, setBrand } from '../util/brand';
export type { NodeRuntime } from '../util/node-support';
