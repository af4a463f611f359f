import type { Workflow } from '../model/workflow';
import { PROVIDER_OPERATIONS, type OperationSpec, type Provider, type ResourceTypeCapability } from '../providers/provider-model';
import { DEFAULT_CLASS } from '../providers/default-class';
import { analyzeMapping } from './analyze-mapping';
import { didYouMean } from './did-you-mean';
import { IssueList, type AnalysisIssue } from './issues';
import { analyzeSharedDefinitions, missingSharedDefinitions } from './shared-definitions';

/** Options of {@link analyzeProvider}. */
export interface ProviderAnalysisOptions {
  /**
   * A workflow listed in `workflows` but missing from the loaded map is an
   * error (the registry's view). A loader that has reported the file's own
   * problems leaves this off.
   */
  requireLoaded?: boolean;
}

/**
 * The one check of a provider's capabilities: each type listed once, aliases
 * pointing at a real type of the same provider, each operation naming one
 * listed workflow (of that operation), and each parameter mapping fitting its
 * workflow. The provider registry refuses what this reports; the SDK shows it
 * with positions.
 */
export function analyzeProvider(doc: Partial<Provider>, workflows: ReadonlyMap<string, Workflow>, options: ProviderAnalysisOptions = {}): AnalysisIssue[] {
  const issues = new IssueList();
  checkSharedDefinitions(doc, workflows, issues);
  const refs = Array.isArray(doc.workflows) ? doc.workflows : [];
  const refIndex = new Map<string, number>();
  refs.forEach((r, i) => {
    if (typeof r?.name === 'string' && !refIndex.has(r.name)) refIndex.set(r.name, i);
  });
  const caps = Array.isArray(doc.capabilities?.resourceTypeCapabilities) ? doc.capabilities!.resourceTypeCapabilities! : [];
  const byType = new Map<string, number>();
  // A type may be listed once per class it serves; an alias's type only once.
  const listed = new Map<string, number>();
  caps.forEach((cap, i) => {
    if (typeof cap?.type !== 'string') return;
    if (!byType.has(cap.type)) byType.set(cap.type, i);
    const classes = cap.aliasFor !== undefined ? ['*'] : Array.isArray(cap.classes) ? cap.classes : [DEFAULT_CLASS];
    for (const cls of classes) {
      const first =
        listed.get(JSON.stringify([cap.type, cls])) ?? listed.get(JSON.stringify([cap.type, '*'])) ?? (cls === '*' ? byType.get(cap.type) : undefined);
      if (first !== undefined && first !== i) {
        const what = cls === DEFAULT_CLASS || cls === '*' ? `resource type '${cap.type}'` : `class '${cls}' of resource type '${cap.type}'`;
        issues.error('DUPLICATE_TYPE', `${what} is already listed at resourceTypeCapabilities[${first}]`, `/capabilities/resourceTypeCapabilities/${i}/type`);
        break;
      }
      listed.set(JSON.stringify([cap.type, cls]), i);
    }
  });
  const ctx: CapabilityContext = { refs, refIndex, workflows, requireLoaded: options.requireLoaded === true, issues };
  caps.forEach((cap, i) => {
    if (typeof cap !== 'object' || cap === null) return;
    const base = `/capabilities/resourceTypeCapabilities/${i}`;
    if (typeof cap.aliasFor === 'string')
      checkAlias(cap, byType.has(cap.aliasFor) ? caps[byType.get(cap.aliasFor)!] : undefined, [...byType.keys()], base, issues);
    else for (const op of PROVIDER_OPERATIONS) checkOperation(cap, op, `${base}/operations/${op}`, ctx);
  });
  const legacy = doc.capabilities?.resourceTypes;
  if (Array.isArray(legacy) && legacy.length > 0) {
    const create = refs.find((w) => (w?.category ?? 'provisioner') === 'provisioner' && (w?.operation ?? 'create') === 'create');
    if (!create) issues.error('WORKFLOW_NOT_FOUND', 'legacy resourceTypes need a provisioner workflow for operation create', '/capabilities/resourceTypes');
  }
  return issues.items;
}

function checkSharedDefinitions(doc: Partial<Provider>, workflows: ReadonlyMap<string, Workflow>, issues: IssueList): void {
  if (doc.parameters === undefined && doc.vars === undefined) return;
  issues.items.push(...analyzeSharedDefinitions(doc));
  for (const [name, wf] of workflows) {
    const missing = missingSharedDefinitions(wf, doc);
    if (missing.length > 0) {
      issues.error(
        'SHARED_DEFINITIONS_MISSING',
        `workflow '${name}' lacks the provider's ${missing.join(', ')}: combine each workflow with the shared definitions (withSharedDefinitions) before registering it`,
        '/workflows',
      );
    }
  }
}

interface CapabilityContext {
  refs: Provider['workflows'];
  refIndex: ReadonlyMap<string, number>;
  workflows: ReadonlyMap<string, Workflow>;
  requireLoaded: boolean;
  issues: IssueList;
}

function checkAlias(cap: ResourceTypeCapability, target: ResourceTypeCapability | undefined, types: string[], base: string, issues: IssueList): void {
  if (!target) {
    issues.error(
      'ALIAS_TARGET_MISSING',
      `'${cap.type}' is an alias for '${cap.aliasFor}', which this provider does not serve${didYouMean(cap.aliasFor!, types)}`,
      `${base}/aliasFor`,
    );
  } else if (typeof target.aliasFor === 'string') {
    issues.error(
      'ALIAS_CHAIN',
      `'${cap.type}' is an alias for '${cap.aliasFor}', which is itself an alias (for '${target.aliasFor}'); point aliases at a real type`,
      `${base}/aliasFor`,
    );
  }
  if (cap.operations !== undefined) {
    issues.error(
      'OPERATION_INVALID',
      `'${cap.type}' is an alias; it takes the operations of '${cap.aliasFor}' and cannot have its own`,
      `${base}/operations`,
      'key',
    );
  }
  if (cap.classes !== undefined) {
    issues.error(
      'OPERATION_INVALID',
      `'${cap.type}' is an alias; it serves the classes of '${cap.aliasFor}' and cannot list its own`,
      `${base}/classes`,
      'key',
    );
  }
}

function checkOperation(cap: ResourceTypeCapability, op: (typeof PROVIDER_OPERATIONS)[number], p: string, ctx: CapabilityContext): void {
  const spec: OperationSpec | undefined = cap.operations?.[op];
  if (typeof spec !== 'object' || spec === null) return;
  const { issues } = ctx;
  const names: Array<[string, string]> = [];
  if (spec.workflow !== undefined && spec.workflows !== undefined)
    issues.error('OPERATION_INVALID', `operation '${op}' has both 'workflow' and 'workflows'; use one`, p, 'key');
  else if (spec.workflow === undefined && spec.workflows === undefined)
    issues.error('OPERATION_INVALID', `operation '${op}' names no workflow ('workflow' or 'workflows')`, p, 'key');
  if (typeof spec.workflow === 'string') names.push([spec.workflow, `${p}/workflow`]);
  if (Array.isArray(spec.workflows)) {
    spec.workflows.forEach((w, j) => {
      if (typeof w?.name === 'string') names.push([w.name, `${p}/workflows/${j}/name`]);
    });
  }
  if (typeof spec.default === 'string' && !(Array.isArray(spec.workflows) && spec.workflows.some((w) => w?.name === spec.default))) {
    issues.error('WORKFLOW_NOT_FOUND', `default '${spec.default}' is not one of the operation's workflows`, `${p}/default`);
  }
  for (const [name, pointer] of names) {
    const idx = ctx.refIndex.get(name);
    if (idx === undefined) {
      issues.error(
        'WORKFLOW_NOT_FOUND',
        `operation '${op}' of '${cap.type}' names workflow '${name}', which is not in 'workflows'${didYouMean(name, ctx.refIndex.keys())}`,
        pointer,
      );
      continue;
    }
    const declaredOp = ctx.refs[idx]?.operation;
    if (declaredOp !== undefined && declaredOp !== op) {
      issues.error('OPERATION_MISMATCH', `workflow '${name}' is declared for operation '${declaredOp}' but used for '${op}'`, pointer);
    }
    const wf = ctx.workflows.get(name);
    if (wf) analyzeMapping(spec, wf, { operation: op, type: cap.type, workflowName: name, pointer: p }, issues);
    else if (ctx.requireLoaded) issues.error('WORKFLOW_NOT_FOUND', `operation '${op}' of '${cap.type}' names workflow '${name}', which is not loaded`, pointer);
  }
}
