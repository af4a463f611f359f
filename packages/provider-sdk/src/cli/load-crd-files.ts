import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import type { LoadedCrd } from '@innominatus/steps-kubernetes/crd';
import type { Diagnostic } from '../diagnostics/diagnostic';
import type { ManifestSchemas } from '../validate/crd-manifests';

/**
 * Reads the CRD files of `validate --crd` (YAML as `kubectl apply` takes it,
 * several documents allowed). The CRD module (and the CEL library it
 * inlines) is loaded only when a CRD is given (or, later, when a workflow
 * applies a built-in kind), so plain `validate` does not pay for it. A file that cannot be read or holds an invalid CRD is a
 * diagnostic at that file.
 */
export async function loadCrdFiles(files: readonly string[], cwd: string): Promise<{ schemas?: ManifestSchemas; diagnostics: Diagnostic[] }> {
  if (files.length === 0) return { diagnostics: [] };
  const crdModule = await import('@innominatus/steps-kubernetes/crd');
  const crds: LoadedCrd[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const f of files) {
    const shown = relative(cwd, resolve(cwd, f)) || f;
    const at = { file: shown, line: 1, col: 1, pointer: '', severity: 'error' as const };
    let text: string;
    try {
      text = await readFile(resolve(cwd, f), 'utf8');
    } catch {
      diagnostics.push({ ...at, code: 'FILE_NOT_FOUND', message: `CRD file '${shown}' cannot be read` });
      continue;
    }
    try {
      const found = crdModule.loadCrds(text, { file: shown });
      if (found.length === 0) diagnostics.push({ ...at, code: 'CRD_UNREADABLE', message: `'${shown}' holds no CustomResourceDefinition` });
      crds.push(...found);
    } catch (err) {
      const e = err as { code?: string; message: string; causes?: ReadonlyArray<{ field?: string; message: string }> };
      const causes = (e.causes ?? []).map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
      const code = e.code === 'CRD_INVALID' ? 'CRD_INVALID' : 'CRD_UNREADABLE';
      diagnostics.push({ ...at, code, message: `${e.message}${causes.length ? `: ${causes.join('; ')}` : ''}` });
    }
  }
  return { schemas: { crds, builtins: crdModule.builtinKinds(), validate: crdModule.validateCustomResource }, diagnostics };
}
