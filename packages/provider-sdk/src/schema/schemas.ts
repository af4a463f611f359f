import providerSchemaJson from '../../schemas/provider.schema.json';
import workflowSchemaJson from '../../schemas/workflow.schema.json';

/** JSON Schema of provider.yaml (also in the package as `schemas/provider.schema.json`). */
export const providerSchema: Readonly<Record<string, unknown>> = providerSchemaJson;

/** JSON Schema of a workflow YAML file (also in the package as `schemas/workflow.schema.json`). */
export const workflowSchema: Readonly<Record<string, unknown>> = workflowSchemaJson;
