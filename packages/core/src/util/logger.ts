/** The logging interface the engine and steps use. pino loggers fit it through {@link fromPino}. */
export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** A logger that drops everything. */
export const silentLogger: Logger = Object.freeze({ debug() {}, info() {}, warn() {}, error() {} });

/** Minimal shape of a pino logger. */
export interface PinoLike {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Adapts a pino (or pino-compatible) logger. */
export function fromPino(pino: PinoLike): Logger {
  return {
    debug: (m, d) => pino.debug(d ?? {}, m),
    info: (m, d) => pino.info(d ?? {}, m),
    warn: (m, d) => pino.warn(d ?? {}, m),
    error: (m, d) => pino.error(d ?? {}, m),
  };
}
