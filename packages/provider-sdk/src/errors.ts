import type { Diagnostic } from './diagnostics/diagnostic';

/** The stable codes of errors the SDK throws (problems in documents are {@link Diagnostic}s instead). */
export type SdkErrorCode = 'GIT_FAILED' | 'GIT_REF_NOT_FOUND' | 'INVALID_SOURCE' | 'PROVIDER_INVALID' | 'STEPS_MODULE_INVALID' | 'RENDER_FAILED' | 'USAGE';

/** An error of the provider SDK, with a stable `code`. */
export class ProviderSdkError extends Error {
  readonly code: SdkErrorCode;
  constructor(code: SdkErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProviderSdkError';
    this.code = code;
  }
}

/** A provider or workflow did not validate; carries every diagnostic. */
export class ProviderInvalidError extends ProviderSdkError {
  readonly diagnostics: readonly Diagnostic[];
  constructor(what: string, diagnostics: readonly Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0];
    const where = first ? `: ${first.file}:${first.line}:${first.col}: ${first.message} [${first.code}]` : '';
    super('PROVIDER_INVALID', `${what} has ${errors.length} error${errors.length === 1 ? '' : 's'}${where}`);
    this.diagnostics = diagnostics;
  }
}
