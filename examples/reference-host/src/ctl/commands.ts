import { readFileSync } from 'node:fs';
import pc from 'picocolors';
import type { ApiClient } from '../client/api-client';
import { ProgressDisplay } from '../client/progress-display';
import { CtlUsageError } from './ctl-config';
import { followEvents, waitForResources, type Awaited } from './wait-for-resources';

/** Where a command writes, and whether its output is a terminal. */
export interface CtlOutput {
  out: NodeJS.WriteStream;
  /** Live progress (redrawn) instead of one line per change. */
  live: boolean;
}

interface Change {
  action: string;
  name: string;
  type: string;
  id?: string;
  state?: string;
  reason?: string;
}
interface ResourceRow {
  id: string;
  application: string;
  name: string;
  type: string;
  state: string;
  generation?: number;
  createdAt: string;
  error?: { code: string; message: string };
}

const write = (o: CtlOutput, text = '') => o.out.write(`${text}\n`);

/** A plain table: a header and rows, columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [header, ...rows].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('   ')).join('\n');
}

/** `apply -f FILE [--wait]`: submits a Score spec; with `--wait`, follows every changed resource until it settles. Returns the exit code. */
export async function apply(api: ApiClient, o: CtlOutput, file: string, options: { wait: boolean; timeoutMs: number }): Promise<number> {
  let text: string;
  try {
    text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (err) {
    throw new CtlUsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  // With --wait the stream opens first: a fast resource's events come before the answer does.
  const follower = options.wait ? await followEvents(api) : undefined;
  let result: { application: string; changes: Change[]; unchanged: string[]; failed: { name: string; error?: { code: string; message: string } }[] };
  try {
    result = await api.call('POST', '/api/specs', { text, contentType: 'application/yaml' });
  } catch (err) {
    follower?.stop();
    throw err;
  }
  for (const c of result.changes) write(o, `${c.action} ${c.name} (${c.type})${c.reason ? pc.dim(`: ${c.reason}`) : ''}`);
  for (const n of result.unchanged) write(o, pc.dim(`unchanged ${n}`));
  for (const f of result.failed) write(o, pc.red(`failed ${f.name}${f.error ? `: ${f.error.code}: ${f.error.message}` : ''} (retry it, or correct the spec)`));
  if (!follower) return 0;
  const awaited: Awaited[] = result.changes
    .filter((c) => c.id)
    .map((c) => ({ id: c.id!, name: c.name, type: c.type, goal: c.action === 'delete' ? 'terminated' : 'active', ...(c.state ? { state: c.state } : {}) }));
  if (awaited.length === 0) {
    follower.stop();
    return result.failed.length ? 1 : 0;
  }
  const display = new ProgressDisplay(o.out, o.live);
  const states = await waitForResources(api, follower, awaited, display, options.timeoutMs);
  const unsettled = awaited.filter((r) => states.get(r.id) !== r.goal);
  for (const r of unsettled) {
    const state = states.get(r.id) ?? 'unknown';
    if (state !== 'failed') write(o, pc.red(`${r.name}: still ${state} after ${Math.round(options.timeoutMs / 1000)} s`));
    else {
      const detail = await api.call<ResourceRow>('GET', `/api/resources/${r.id}`);
      write(o, pc.red(`${r.name} failed: ${detail.error ? `${detail.error.code}: ${detail.error.message}` : 'no reason recorded'}`));
    }
  }
  return unsettled.length || result.failed.length ? 1 : 0;
}

/** `get applications|resources [-a APP] [-o json]`. */
export async function get(api: ApiClient, o: CtlOutput, what: string, options: { application?: string; output: string }): Promise<number> {
  if (what === 'applications' || what === 'apps') {
    const { applications } = await api.call<{ applications: { name: string; resources: unknown[]; states: Record<string, number> }[] }>(
      'GET',
      '/api/applications',
    );
    if (options.output === 'json') write(o, JSON.stringify(applications, null, 2));
    else
      write(
        o,
        table(
          ['NAME', 'RESOURCES', 'STATES'],
          applications.map((a) => [
            a.name,
            String(a.resources.length),
            Object.entries(a.states)
              .map(([s, n]) => `${n} ${s}`)
              .join(', '),
          ]),
        ),
      );
    return 0;
  }
  if (what === 'resources') {
    const query = options.application ? `?application=${encodeURIComponent(options.application)}` : '';
    const { resources } = await api.call<{ resources: ResourceRow[] }>('GET', `/api/resources${query}`);
    if (options.output === 'json') write(o, JSON.stringify(resources, null, 2));
    else
      write(
        o,
        table(
          ['APPLICATION', 'NAME', 'TYPE', 'STATE', 'GENERATION', 'ID'],
          resources.map((r) => [r.application, r.name, r.type, r.state, String(r.generation ?? ''), r.id]),
        ),
      );
    return 0;
  }
  throw new CtlUsageError(`cannot get '${what}': use 'applications' or 'resources'`);
}

/** `describe resource ID`: state, why it failed, outputs (redacted), the current run's steps, history. */
export async function describeResource(api: ApiClient, o: CtlOutput, id: string): Promise<number> {
  const r = await api.call<ResourceRow & { outputs: Record<string, unknown>; history: { from?: string; to: string; at: string; reason: string }[] }>(
    'GET',
    `/api/resources/${encodeURIComponent(id)}`,
  );
  const { workflows } = await api.call<{
    workflows: {
      id: string;
      workflow?: string;
      operation: string;
      status: string;
      attempt: number;
      steps: { name: string; type: string; status: string; attempt: number; durationMs?: number; error?: { code: string; message: string } }[];
    }[];
  }>('GET', `/api/resources/${encodeURIComponent(id)}/runs`);
  write(o, `Name:         ${r.application}/${r.name}`);
  write(o, `Type:         ${r.type}`);
  write(o, `ID:           ${r.id}`);
  write(o, `State:        ${r.state}`);
  write(o, `Generation:   ${r.generation ?? ''}`);
  if (r.error) write(o, `Reason:       ${r.error.code}: ${r.error.message}`);
  write(o, 'Outputs:');
  for (const [k, v] of Object.entries(r.outputs)) write(o, `  ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const run = workflows[0];
  if (run) {
    write(o, `Run:          ${run.workflow ?? ''} (${run.operation}, ${run.status}, attempt ${run.attempt}) ${run.id}`);
    for (const s of run.steps) {
      write(
        o,
        `  ${s.status.padEnd(10)} ${s.name} (${s.type})${s.durationMs !== undefined ? ` ${(s.durationMs / 1000).toFixed(1)} s` : ''}${s.attempt > 1 ? ` try ${s.attempt}` : ''}`,
      );
      if (s.error) write(o, `             ${s.error.code}: ${s.error.message}`);
    }
  }
  write(o, 'History:');
  for (const h of r.history) write(o, `  ${h.at}  ${h.from ?? '-'} -> ${h.to}  ${h.reason}`);
  return 0;
}

/** `retry ID`: retries a failed resource from its failed step. */
export async function retry(api: ApiClient, o: CtlOutput, id: string): Promise<number> {
  const r = await api.call<ResourceRow>('POST', `/api/resources/${encodeURIComponent(id)}/retry`);
  write(o, `retry requested for ${r.application}/${r.name} (${r.id})`);
  return 0;
}

/** `delete APP [--dry-run]`: deletes an application's resources and its spec, or shows the plan. */
export async function deleteApplication(api: ApiClient, o: CtlOutput, name: string, options: { dryRun: boolean }): Promise<number> {
  const result = await api.call<{ changes: Change[] }>('DELETE', `/api/specs/${encodeURIComponent(name)}${options.dryRun ? '?dryRun=true' : ''}`);
  const verb = options.dryRun ? 'would delete' : 'delete';
  for (const c of result.changes) write(o, `${verb} ${c.name} (${c.type}${c.state ? `, ${c.state}` : ''})`);
  if (result.changes.length === 0) write(o, `${options.dryRun ? 'would forget' : 'forgot'} the spec of ${name} (no resource left to delete)`);
  return 0;
}

/** `graph APP [--format mermaid|dot|json]`. */
export async function graph(api: ApiClient, o: CtlOutput, name: string, format: string): Promise<number> {
  if (!['mermaid', 'dot', 'json'].includes(format)) throw new CtlUsageError(`unknown graph format '${format}': use mermaid, dot or json`);
  o.out.write(await api.text('GET', `/api/graph/${encodeURIComponent(name)}?format=${format}`));
  if (format === 'json') write(o);
  return 0;
}
