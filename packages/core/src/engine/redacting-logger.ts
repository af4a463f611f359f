import { scrubText, scrubValue } from '../sensitive/sensitive';
import type { Logger } from '../util/logger';

/**
 * A logger that redacts sensitive values in `data` and scrubs the given
 * secrets (and their URL-encoded and base64 forms) from messages and data,
 * and adds fixed fields (run and step) to every line.
 */
export function redactingLogger(inner: Logger, secrets: Set<string>, fields: Record<string, unknown> = {}): Logger {
  const clean = (data?: Record<string, unknown>): Record<string, unknown> => scrubValue({ ...fields, ...(data ?? {}) }, secrets) as Record<string, unknown>;
  const msg = (m: unknown) => scrubText(String(m), secrets);
  return {
    debug: (m, d) => inner.debug(msg(m), clean(d)),
    info: (m, d) => inner.info(msg(m), clean(d)),
    warn: (m, d) => inner.warn(msg(m), clean(d)),
    error: (m, d) => inner.error(msg(m), clean(d)),
  };
}
