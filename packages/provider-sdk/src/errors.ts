import { InnominatusError } from '@innominatus/core';
import type { Diagnostic } from './diagnostics/diagnostic';

/** The stable codes of errors the SDK throws (problems in documents are {@link Diagnostic}s instead). */
export type SdkErrorCode =
  | 'GIT_FAILED'
  | 'GIT_REF_NOT_FOUND'
  | 'INVALID_SOURCE'
  | 'PROVIDER_INVALID'
  | 'STEPS_MODULE_INVALID'
  | 'RENDER_FAILED'
  | 'RBAC_KIND_DYNAMIC'
  | 'DOCS_MARKERS_MISSING'
  | 'USAGE'
  | 'WHEN_NEVER_HELD';

/**
 * An error of the provider SDK: core's error model (branded, stable `code`,
 * `retryable`, `cause`, `position` when a document said where) with the
 * SDK's own codes.
 */
export class ProviderSdkError extends InnominatusError<SdkErrorCode> {
  constructor(code: SdkErrorCode, message: string, options?: { cause?: unknown; position?: { file?: string; line: number; col: number } }) {
    super(code, message, options);
  }
}

/** A provider or workflow did not validate; carries every diagnostic. */
export class ProviderInvalidError extends ProviderSdkError {
  readonly diagnostics: readonly Diagnostic[];
  constructor(what: string, diagnostics: readonly Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0];
    const where = first ? `: ${first.file}:${first.line}:${first.col}: ${first.message} [${first.code}]` : '';
    super(
      'PROVIDER_INVALID',
      `${what} has ${errors.length} error${errors.length === 1 ? '' : 's'}${where}`,
      first ? { position: { file: first.file, line: first.line, col: first.col } } : {},
    );
    this.diagnostics = diagnostics;
  }
}
