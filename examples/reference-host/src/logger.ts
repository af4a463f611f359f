import { Writable } from 'node:stream';
import pino, { type DestinationStream, type Logger } from 'pino';
import { scrubText } from '@innominatus/core';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  level: string;
  /** Where JSON lines go (default: stdout). */
  destination?: DestinationStream | undefined;
  /** Strings that must never appear in a line (tokens, keys): replaced by `***` in every line written. */
  secrets?: readonly string[];
}

/**
 * A pino logger for the host. Authorization headers and fields named like
 * secrets are redacted by path; sensitive values print as `***` by
 * themselves; and every written line is scrubbed of the configured secrets
 * as a last line of defence.
 */
export function createLogger(options: LoggerOptions): Logger {
  // Synchronous, so the last lines before an exit are not lost.
  const destination = options.destination ?? pino.destination({ dest: 1, sync: true });
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 8);
  const stream: DestinationStream =
    secrets.length === 0
      ? destination
      : new Writable({
          write(chunk: Buffer | string, _encoding, callback) {
            destination.write(scrubText(chunk.toString(), secrets));
            callback();
          },
        });
  return pino(
    {
      level: options.level,
      base: { service: 'innominatus-host' },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          '*.password',
          '*.token',
          '*.connectionString',
          '*.connection_string',
          'headers.authorization',
        ],
        censor: '***',
      },
    },
    stream,
  );
}
