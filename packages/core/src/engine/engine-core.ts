import type { EventEmitter } from 'eventemitter3';
import { InnominatusError, StoreError } from '../errors';
import type { Encrypter } from '../journal/encrypter';
import type { RunJournal } from '../journal/types';
import type { Logger } from '../util/logger';
import type { Clock } from '../util/clock';
import type { EngineEvents } from './events';

/** What every run of one engine shares: where it writes, how it seals, whom it tells. */
export interface EngineCore {
  readonly journal: RunJournal;
  readonly encrypter: Encrypter;
  readonly logger: Logger;
  readonly events: EventEmitter<EngineEvents>;
  /** What the backoff between a step's tries waits on. */
  readonly clock: Clock;
}

/** Whether anyone listens to `name` (payloads are only built for listeners). */
export function listening(core: EngineCore, name: keyof EngineEvents): boolean {
  return core.events.listenerCount(name) > 0;
}

/** Emits an event; a listener that throws must not break a run or hide its real error. */
export function emit<K extends keyof EngineEvents>(core: EngineCore, name: K, payload: Parameters<EngineEvents[K]>[0]): void {
  if (!core.events.listenerCount(name)) return;
  try {
    (core.events.emit as (n: K, p: unknown) => boolean)(name, payload);
  } catch (err) {
    core.logger.error(`a listener of '${name}' threw`, { error: String((err as Error)?.message ?? err) });
  }
}

/**
 * Runs one journal write; a failure of the journal's store becomes a
 * retryable `JOURNAL_ERROR` naming `what` (a coded refusal such as
 * `LEASE_LOST` passes as it is).
 */
export async function journalWrite(what: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (err) {
    if (InnominatusError.is(err) && !isJournalFailure(err.code)) throw err;
    throw new StoreError('JOURNAL_ERROR', `could not write ${what} to the run journal: ${err instanceof Error ? err.message : String(err)}`, {
      retryable: true,
    });
  }
}

/** A failure of the journal's store itself (any store package's `STORE_*` code), which a later try may not meet. */
function isJournalFailure(code: string): boolean {
  return code === 'JOURNAL_ERROR' || code.startsWith('STORE_');
}
