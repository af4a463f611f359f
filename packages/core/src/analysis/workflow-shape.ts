import type { IssueList } from './issues';

/**
 * The structure the analysis needs before it can read a workflow: an object
 * of kind Workflow with a name, a non-empty list of named, typed steps, and
 * lists and maps where they belong. (Loaders check the full JSON Schema of
 * the file format; this guards workflows built in memory.) False when the
 * analysis cannot go on.
 */
export function checkShape(w: unknown, issues: IssueList): boolean {
  const before = issues.size;
  if (typeof w !== 'object' || w === null || Array.isArray(w)) {
    issues.error('WORKFLOW_SCHEMA', 'a workflow must be an object', '');
    return false;
  }
  const doc = w as Record<string, unknown>;
  const meta = doc.metadata as Record<string, unknown> | undefined;
  if (doc.kind !== 'Workflow') issues.error('WORKFLOW_SCHEMA', `kind must be 'Workflow' (got ${JSON.stringify(doc.kind)})`, '/kind');
  if (typeof meta?.name !== 'string') issues.error('WORKFLOW_SCHEMA', 'metadata.name is required', '/metadata/name');
  if (!Array.isArray(doc.steps) || doc.steps.length === 0) issues.error('WORKFLOW_SCHEMA', 'steps must be a non-empty list', '/steps');
  if (doc.parameters !== undefined && !Array.isArray(doc.parameters)) issues.error('WORKFLOW_SCHEMA', 'parameters must be a list', '/parameters');
  if (doc.onFailure !== undefined && !Array.isArray(doc.onFailure)) issues.error('WORKFLOW_SCHEMA', 'onFailure must be a list of steps', '/onFailure');
  for (const key of ['vars', 'outputs'] as const) {
    const v = doc[key];
    if (v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v)))
      issues.error('WORKFLOW_SCHEMA', `${key} must be a map of name: value`, `/${key}`);
  }
  (Array.isArray(doc.parameters) ? doc.parameters : []).forEach((p: unknown, i) => {
    if (typeof (p as { name?: unknown } | null)?.name !== 'string') issues.error('WORKFLOW_SCHEMA', `parameter #${i + 1} has no name`, `/parameters/${i}`);
  });
  for (const list of ['steps', 'onFailure'] as const) {
    (Array.isArray(doc[list]) ? (doc[list] as unknown[]) : []).forEach((s: unknown, i) => {
      const step = s as { name?: unknown; type?: unknown; with?: unknown } | null;
      const at = `/${list}/${i}`;
      if (typeof step?.name !== 'string' || step.name === '')
        issues.error('WORKFLOW_SCHEMA', `step #${i + 1} of ${list} has no name`.replace(' of steps', ''), at);
      else if (typeof step.type !== 'string') issues.error('WORKFLOW_SCHEMA', `step '${step.name}' has no type`, at);
      else if (step.with !== undefined && (typeof step.with !== 'object' || step.with === null || Array.isArray(step.with))) {
        issues.error('WORKFLOW_SCHEMA', `step '${step.name}': with must be a map`, `${at}/with`);
      }
    });
  }
  return issues.size === before;
}
