import { causeText } from './causes';
import type { FieldCause } from './types';

/** Stable codes of {@link CrdError}. */
export type CrdErrorCode =
  /** The text is not YAML/JSON, or a document is not a CustomResourceDefinition. */
  | 'CRD_UNREADABLE'
  /** The CRD breaks a rule the API server enforces (names, versions, structural schema, defaults, CEL rules). */
  | 'CRD_INVALID';

/** A CustomResourceDefinition that cannot be served; `causes` name each field (with `path` to find it in the file). */
export class CrdError extends Error {
  readonly code: CrdErrorCode;
  readonly causes: readonly FieldCause[];
  /** The file the CRD came from, when known. */
  readonly file?: string;
  constructor(code: CrdErrorCode, message: string, options: { causes?: readonly FieldCause[]; file?: string } = {}) {
    super(message);
    this.name = 'CrdError';
    this.code = code;
    this.causes = options.causes ?? [];
    if (options.file !== undefined) this.file = options.file;
  }

  /** The message with every cause on its own line. */
  describe(): string {
    return [`${this.file ? `${this.file}: ` : ''}${this.message} [${this.code}]`, ...this.causes.map((c) => `  ${causeText(c)}`)].join('\n');
  }
}
