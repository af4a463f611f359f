import {
  isLongOutput,
  PROVIDER_OPERATIONS,
  type LoadedProvider,
  type OperationSpec,
  type ParameterSpec,
  type ProviderWorkflowRef,
  type ResourceTypeCapability,
  type StepSpec,
  type Workflow,
} from '@innominatus/core';

/** Options of {@link providerDocs}. */
export interface ProviderDocsOptions {
  /** Start with a `# <provider>` title and its description (for a page of its own; off when embedding in a README). */
  title?: boolean;
  /** The heading level of the top sections (default 2: `## Resource types`, `### <workflow>`). */
  headingLevel?: number;
}

/**
 * The provider's reference in Markdown, generated from provider.yaml and its
 * workflows: resource types and aliases with their operations and parameter
 * mapping; per workflow its parameters (type, required, default, accepted
 * values, description), outputs (with sensitivity) and steps.
 *
 * @example
 * const markdown = providerDocs(loaded.provider!, { title: true });
 */
export function providerDocs(provider: LoadedProvider, options: ProviderDocsOptions = {}): string {
  const p = provider.provider;
  const h = (depth: number) => '#'.repeat((options.headingLevel ?? 2) + depth);
  const out: string[] = [];
  if (options.title) {
    out.push(`# ${p.metadata.name} ${p.metadata.version}`, '');
    if (p.metadata.description) out.push(text(p.metadata.description), '');
  }
  out.push(
    `${h(0)} Resource types`,
    '',
    ...resourceTypes(p.capabilities?.resourceTypeCapabilities ?? [], p.capabilities?.resourceTypes ?? [], p.workflows),
    '',
  );
  out.push(`${h(0)} Workflows`, '');
  for (const ref of p.workflows) {
    const loaded = provider.workflows.get(ref.name);
    if (loaded) out.push(...workflowSection(ref, loaded.workflow, h(1)));
  }
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

function resourceTypes(caps: ResourceTypeCapability[], legacy: string[], refs: ProviderWorkflowRef[]): string[] {
  const rows = ['| Type | Operation | Workflow | Parameters from the request |', '|---|---|---|---|'];
  for (const cap of caps) {
    if (cap.aliasFor) {
      rows.push(`| ${code(cap.type)} | alias for ${code(cap.aliasFor)} | | |`);
      continue;
    }
    for (const op of PROVIDER_OPERATIONS) {
      const spec = cap.operations?.[op];
      if (spec) rows.push(`| ${code(cap.type)} | ${op} | ${workflowsOf(spec)} | ${mapping(spec)} |`);
    }
  }
  const provisioner = refs.find((r) => r.operation === 'create') ?? refs.find((r) => r.category !== 'goldenpath');
  for (const type of legacy) rows.push(`| ${code(type)} | create | ${provisioner ? link(provisioner.name) : '-'} | |`);
  return rows;
}

function workflowsOf(spec: OperationSpec): string {
  if (spec.workflow) return link(spec.workflow);
  const def = spec.default ?? spec.workflows?.[0]?.name;
  return (spec.workflows ?? [])
    .map((w) => `${link(w.name)}${w.tags?.length ? ` (tags: ${w.tags.join(', ')})` : ''}${w.name === def ? ' (default)' : ''}`)
    .join('<br>');
}

function mapping(spec: OperationSpec): string {
  const parts = Object.entries(spec.parameters ?? {}).map(([k, v]) => `${code(k)} = ${code(typeof v === 'string' ? v : JSON.stringify(v))}`);
  if (spec.fromProperties?.length) parts.push(`properties: ${spec.fromProperties.map(code).join(', ')}`);
  return parts.join('<br>');
}

function workflowSection(ref: ProviderWorkflowRef, wf: Workflow, heading: string): string[] {
  const out = [`${heading} ${ref.name}`, ''];
  const description = ref.description ?? wf.metadata.description;
  if (description) out.push(text(description), '');
  const facts = [
    ref.operation ? `Operation: ${ref.operation}` : undefined,
    ref.category ? `category: ${ref.category}` : undefined,
    (ref.version ?? wf.metadata.version) ? `version: ${ref.version ?? wf.metadata.version}` : undefined,
    ref.tags?.length ? `tags: ${ref.tags.join(', ')}` : undefined,
    `file: ${code(ref.file)}`,
  ].filter(Boolean);
  out.push(`${facts.join('; ')}.`, '');
  const params = wf.parameters ?? [];
  if (params.length) {
    out.push('| Parameter | Type | Required | Default | Accepted values | Description |', '|---|---|---|---|---|---|');
    for (const prm of params) {
      const type = `${prm.type}${prm.sensitive ? ' (sensitive)' : ''}`;
      out.push(
        `| ${code(prm.name)} | ${type} | ${prm.required ? 'yes' : 'no'} | ${prm.default === undefined ? '-' : value(prm.default)} | ${accepted(prm) || '-'} | ${text(prm.description ?? '')} |`,
      );
    }
  } else out.push('No parameters.');
  out.push('');
  const outputs = Object.entries(wf.outputs ?? {});
  if (outputs.length) {
    out.push('| Output | Sensitive | Description |', '|---|---|---|');
    for (const [name, spec] of outputs) {
      const long = isLongOutput(spec) ? spec : undefined;
      out.push(`| ${code(name)} | ${long?.sensitive ? 'yes' : 'no'} | ${text(long?.description ?? '')} |`);
    }
  } else out.push('No outputs.');
  out.push('', '| Step | Type | Description |', '|---|---|---|');
  const row = (s: StepSpec) => {
    const when = s.if !== undefined ? `Only if ${code(String(s.if))}.` : '';
    out.push(`| ${code(s.name)} | ${code(s.type)} | ${[text(s.description ?? ''), when].filter(Boolean).join(' ')} |`);
  };
  for (const s of wf.steps) row(s);
  if (wf.onFailure?.length) {
    out.push('', 'When the run fails (`onFailure`):', '', '| Step | Type | Description |', '|---|---|---|');
    for (const s of wf.onFailure) row(s);
  }
  out.push('');
  return out;
}

/** The accepted values a parameter's schema keywords say, in words. */
function accepted(p: ParameterSpec): string {
  const parts: string[] = [];
  if (Array.isArray(p.enum)) parts.push(p.enum.map(value).join(', '));
  if (typeof p.pattern === 'string') parts.push(`matches ${code(p.pattern)}`);
  const range = (min: unknown, max: unknown, unit: string) => {
    const u = unit ? ` ${unit}` : '';
    if (typeof min === 'number' && typeof max === 'number') parts.push(`${min}-${max}${u}`);
    else if (typeof min === 'number') parts.push(`at least ${min}${u}`);
    else if (typeof max === 'number') parts.push(`at most ${max}${u}`);
  };
  range(p.minLength, p.maxLength, 'characters');
  range(p.minimum, p.maximum, '');
  range(p.minItems, p.maxItems, 'items');
  if (typeof p.format === 'string') parts.push(`format ${code(p.format)}`);
  return parts.join('; ');
}

/** A value as written in YAML: strings bare unless they would read as another type. */
function value(v: unknown): string {
  if (typeof v === 'string') return code(/^(-?\d+(\.\d+)?|true|false|null|~|)$/i.test(v) ? JSON.stringify(v) : v);
  return code(JSON.stringify(v));
}

function link(workflow: string): string {
  return `[${code(workflow)}](#${workflow
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-')})`;
}

/** Inline code for a table cell (pipes escaped, as GitHub tables need inside code too). */
function code(s: string): string {
  const body = s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
  return body.includes('`') ? `\`\` ${body} \`\`` : `\`${body}\``;
}

/** Prose for a table cell: one line, pipes and angle brackets escaped. */
function text(s: string): string {
  return s
    .trim()
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}
