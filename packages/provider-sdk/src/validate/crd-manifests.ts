import { hasTemplate, type Workflow } from '@innominatus/core';
import { escapePointer, scanTemplate } from '@innominatus/core/internal';
import type { FieldCause, FieldPath, LoadedCrd } from '@innominatus/steps-kubernetes/crd';
import type { Diagnostic } from '../diagnostics/diagnostic';
import type { YamlSourceMap } from '../yaml/yaml-source-map';
import { DiagnosticSink } from './diagnostic-sink';

/** How a field of a manifest is given: a whole `${{ }}` (value unknown), or text with `${{ }}` in it (a string). */
type Templated = 'whole' | 'interpolated';

/**
 * Checks each `kubernetes-apply` manifest whose `apiVersion` and `kind` are
 * those of a given CRD against the CRD as the API server would on apply
 * (`fieldValidation=Strict`): unknown fields, types, enums, patterns,
 * bounds, required fields, CEL rules. A field given as a whole expression
 * has no value before the run, so nothing at or under it is reported; a
 * string with `${{ }}` in it is a string of unknown content, so only a wrong
 * type is reported there. Each problem is at the field's `file:line:col`.
 */
export function checkManifestsAgainstCrds(
  workflow: Workflow,
  source: YamlSourceMap,
  crds: readonly LoadedCrd[],
  validate: typeof import('@innominatus/steps-kubernetes/crd').validateCustomResource,
): Diagnostic[] {
  const sink = new DiagnosticSink(source);
  for (const [i, step] of (workflow.steps ?? []).entries()) {
    if (step.type !== 'kubernetes-apply') continue;
    const manifests = (step.with as { manifests?: unknown } | undefined)?.manifests;
    if (!Array.isArray(manifests)) continue;
    for (const [j, manifest] of manifests.entries()) {
      const crd = crdOf(manifest, crds);
      if (!crd) continue;
      const base = `/steps/${i}/with/manifests/${j}`;
      const templated = new Map<string, Templated>();
      const probe = withoutExpressions(manifest, [], templated) as Record<string, unknown>;
      const verdict = validate(crd, probe, { fieldValidation: 'Strict' });
      for (const c of verdict.causes) {
        if (hidden(c, templated)) continue;
        sink.add('MANIFEST_INVALID', `${crd.kind} ${c.field ? `${c.field}: ` : ''}${c.message} (CRD ${crd.name})`, pointerOf(base, c.path));
      }
      for (const field of verdict.unknownFields) {
        sink.add(
          'MANIFEST_UNKNOWN_FIELD',
          `${crd.kind} has no field ${field} (CRD ${crd.name}; the API server refuses it under strict field validation)`,
          pointerOf(base, parsePath(field)),
          'key',
        );
      }
    }
  }
  return sink.diagnostics;
}

/** The CRD serving a manifest's literal `apiVersion` (`group/version`) and `kind`. */
function crdOf(manifest: unknown, crds: readonly LoadedCrd[]): LoadedCrd | undefined {
  if (typeof manifest !== 'object' || manifest === null) return undefined;
  const { apiVersion, kind } = manifest as Record<string, unknown>;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || hasTemplate(apiVersion) || hasTemplate(kind)) return undefined;
  const group = apiVersion.split('/')[0];
  return crds.find((c) => c.kind === kind && c.group === group && apiVersion.includes('/'));
}

/** The manifest with whole expressions removed and interpolated strings as plain strings; records where each was. */
function withoutExpressions(value: unknown, path: FieldPath, templated: Map<string, Templated>): unknown {
  if (typeof value === 'string' && hasTemplate(value)) {
    const parts = safeScan(value);
    const whole = parts !== undefined && parts.length === 1 && parts[0]!.kind === 'expr';
    templated.set(key(path), whole ? 'whole' : 'interpolated');
    return whole ? undefined : 'x';
  }
  if (Array.isArray(value)) return value.map((v, i) => withoutExpressions(v, [...path, i], templated) ?? null);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const probed = withoutExpressions(v, [...path, k], templated);
    if (probed !== undefined) out[k] = probed;
  }
  return out;
}

function safeScan(text: string): ReturnType<typeof scanTemplate> | undefined {
  try {
    return scanTemplate(text);
  } catch {
    return undefined; // the workflow's own analysis reports it
  }
}

/** A cause the expressions make unknowable: at or under a whole expression, or other than a wrong type at an interpolated string. */
function hidden(c: FieldCause, templated: ReadonlyMap<string, Templated>): boolean {
  for (let n = c.path.length; n >= 0; n--) {
    const t = templated.get(key(c.path.slice(0, n)));
    if (t === 'whole') return true;
    if (t === 'interpolated' && n === c.path.length) return c.reason !== 'FieldValueTypeInvalid';
  }
  return false;
}

function key(path: FieldPath): string {
  return JSON.stringify(path);
}

function pointerOf(base: string, path: FieldPath): string {
  return base + path.map((p) => `/${escapePointer(String(p))}`).join('');
}

/** `spec.users[0].name` → `['spec', 'users', 0, 'name']`. */
function parsePath(field: string): FieldPath {
  const out: Array<string | number> = [];
  for (const m of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}
