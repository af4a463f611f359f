import type { Logger } from 'pino';

/** What a host's start keeps while it builds: the lines it tells the operator, and what to close, last opened first. */
export interface StartUp {
  /** The lines told so far, in order. */
  readonly notices: string[];
  /** Tells the operator a line (kept in `notices` and logged at info). */
  notice(text: string): void;
  /** Adds what closes a part that was opened. */
  onClose(close: () => Promise<void>): void;
  /** Closes every part, the last opened first; an error while closing one is logged and the next is closed. */
  closeAll(): Promise<void>;
}

/** A start-up record whose notices and closing errors go to `logger`. */
export function createStartUp(logger: Logger): StartUp {
  const notices: string[] = [];
  const closers: Array<() => Promise<void>> = [];
  return {
    notices,
    notice(text) {
      notices.push(text);
      logger.info(text);
    },
    onClose(close) {
      closers.push(close);
    },
    async closeAll() {
      for (const close of closers.reverse()) await close().catch((err: Error) => logger.error({ err }, 'error while closing'));
    },
  };
}
