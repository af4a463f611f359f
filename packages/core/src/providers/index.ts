export type {
  Provider,
  ProviderOperation,
  OperationSpec,
  WorkflowChoice,
  ResourceTypeCapability,
  ProviderWorkflowRef,
  RequiredStep,
  LoadedProvider,
} from './provider-model';
export { PROVIDER_OPERATIONS } from './provider-model';
export { ProviderRegistry } from './provider-registry';
export { DEFAULT_CLASS } from './default-class';
export type { Resolution, ResolveOptions } from './provider-registry';
export { mapParameters, compileParameterMapping, MAPPING_VARIABLES } from './parameter-mapping';
export type { MappedResource, ParameterMapping } from './parameter-mapping';
export { CORE_VERSION } from './core-version';
