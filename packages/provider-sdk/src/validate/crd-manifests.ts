import { hasTemplate, type Workflow } from '@innominatus/core';
import { placedSteps, pointerOf, scanTemplate } from '@innominatus/core/internal';
import type { FieldCause, FieldPath, LoadedCrd } from '@innominatus/steps-kubernetes/crd';
import type { Diagnostic } from '../diagnostics/diagnostic';
import type { YamlSourceMap } from '../yaml/yaml-source-map';
import { DiagnosticSink } from './diagnostic-sink';

/**
 * How a field of a manifest is given: a whole `${{ }}` of unknown type (value
 * unknown), or a value of known JSON type and unknown content (text with
 * `${{ }}` in it is a string; a whole expression the type checker typed).
 */
type Templated = { kind: 'whole' } | { kind: 'typed'; type: string; expression?: string };

/** The kinds' schemas manifests are checked against: CRDs of `--crd`, and the built-in kinds'. */
export interface ManifestSchemas {
  crds: readonly LoadedCrd[];
  /** Built-in kinds (ConfigMap, Secret, Deployment, ...) with the schemas the mock cluster serves. */
  builtins: readonly LoadedCrd[];
  validate: typeof import('@innominatus/steps-kubernetes/crd').validateCustomResource;
}

/**
 * Checks each `kubernetes-apply` manifest whose `apiVersion` and `kind` are
 * those of a given CRD or of a built-in kind against its schema as the API
 * server would on apply (`fieldValidation=Strict`): unknown fields, types,
 * enums, patterns, bounds, required fields, CEL rules. A field given as a
 * whole expression of unknown type has no value before the run, so nothing
 * at or under it is reported; one whose type is known (`types`, by pointer:
 * from the analysis) and a string with `${{ }}` in it are values of known
 * type and unknown content, so only a wrong type is reported there. Each
 * problem is at the field's `file:line:col`.
 */
export function checkManifestsAgainstCrds(
  workflow: Workflow,
  source: YamlSourceMap,
  schemas: ManifestSchemas,
  types: ReadonlyMap<string, string> = new Map(),
): Diagnostic[] {
  const sink = new DiagnosticSink(source);
  // The onFailure steps apply manifests as much as the steps do.
  for (const { step, pointer: stepAt } of placedSteps(workflow)) {
    if (step.type !== 'kubernetes-apply') continue;
    const manifests = (step.with as { manifests?: unknown } | undefined)?.manifests;
    if (!Array.isArray(manifests)) continue;
    for (const [j, manifest] of manifests.entries()) {
      const crd = crdOf(manifest, schemas.crds) ?? crdOf(manifest, schemas.builtins);
      if (!crd) continue;
      const by = schemas.crds.includes(crd) ? `CRD ${crd.name}` : `the built-in schema of ${crd.kind}`;
      const base = `${stepAt}/with/manifests/${j}`;
      const templated = new Map<string, Templated>();
      const probe = withoutExpressions(manifest, [], { base, types, templated }) as Record<string, unknown>;
      const verdict = schemas.validate(crd, probe, { fieldValidation: 'Strict' });
      for (const c of verdict.causes) {
        const at = shown(c, templated);
        if (at === undefined) continue;
        const expr = at === true ? '' : `; \${{ ${at.expression} }} is of type ${at.type}`;
        sink.add('MANIFEST_INVALID', `${crd.kind} ${c.field ? `${c.field}: ` : ''}${c.message}${expr} (${by})`, pointerOf(c.path, base));
      }
      for (const field of verdict.unknownFields) {
        sink.add(
          'MANIFEST_UNKNOWN_FIELD',
          `${crd.kind} has no field ${field} (${by}; the API server refuses it under strict field validation)`,
          pointerOf(parsePath(field), base),
          'key',
        );
      }
    }
  }
  return sink.diagnostics;
}

/** True when `apiVersion` may name a built-in kind: the core group (`v1`), a group without a dot (`apps`), or one under `k8s.io`. */
export function mayBeBuiltin(apiVersion: unknown): boolean {
  if (typeof apiVersion !== 'string' || hasTemplate(apiVersion)) return false;
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return true;
  const group = apiVersion.slice(0, slash);
  return !group.includes('.') || group.endsWith('.k8s.io');
}

/** The CRD serving a manifest's literal `apiVersion` (`group/version`, or `version` for the core group) and `kind`. */
function crdOf(manifest: unknown, crds: readonly LoadedCrd[]): LoadedCrd | undefined {
  if (typeof manifest !== 'object' || manifest === null) return undefined;
  const { apiVersion, kind } = manifest as Record<string, unknown>;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || hasTemplate(apiVersion) || hasTemplate(kind)) return undefined;
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  return crds.find((c) => c.kind === kind && c.group === group);
}

interface ProbeContext {
  /** The manifest's pointer in the workflow. */
  base: string;
  types: ReadonlyMap<string, string>;
  templated: Map<string, Templated>;
}

const SAMPLES: Record<string, unknown> = { string: 'x', integer: 0, number: 0.5, boolean: false, object: {}, array: [], null: null };

/**
 * The manifest with each expression replaced: by a sample of its type when
 * known (an interpolated string is a string), else removed; records where each was.
 */
function withoutExpressions(value: unknown, path: FieldPath, ctx: ProbeContext): unknown {
  if (typeof value === 'string' && hasTemplate(value)) {
    const parts = safeScan(value);
    const first = parts?.[0];
    const whole = parts !== undefined && parts.length === 1 && first?.kind === 'expr';
    if (!whole) {
      ctx.templated.set(key(path), { kind: 'typed', type: 'string' });
      return 'x';
    }
    const type = ctx.types.get(pointerOf(path, ctx.base));
    if (type === undefined || !(type in SAMPLES)) {
      ctx.templated.set(key(path), { kind: 'whole' });
      return undefined;
    }
    ctx.templated.set(key(path), { kind: 'typed', type, expression: first.kind === 'expr' ? first.source : '' });
    return structuredClone(SAMPLES[type]);
  }
  if (Array.isArray(value)) return value.map((v, i) => withoutExpressions(v, [...path, i], ctx) ?? null);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const probed = withoutExpressions(v, [...path, k], ctx);
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

/**
 * Whether a cause is reported: not at or under a whole expression of unknown
 * type, and at a value of known type only when the type is wrong (nothing
 * under it: its content is not known). Gives the expression and its type
 * when the cause is at a typed whole expression, else true; undefined when hidden.
 */
function shown(c: FieldCause, templated: ReadonlyMap<string, Templated>): { expression: string; type: string } | true | undefined {
  for (let n = c.path.length; n >= 0; n--) {
    const t = templated.get(key(c.path.slice(0, n)));
    if (!t) continue;
    if (t.kind === 'whole' || n < c.path.length || c.reason !== 'FieldValueTypeInvalid') return undefined;
    return t.expression === undefined ? true : { expression: t.expression, type: t.type };
  }
  return true;
}

function key(path: FieldPath): string {
  return JSON.stringify(path);
}

/** `spec.users[0].name` → `['spec', 'users', 0, 'name']`. */
function parsePath(field: string): FieldPath {
  const out: Array<string | number> = [];
  for (const m of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}
