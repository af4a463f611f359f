import { InnominatusError, StoreError } from '../errors';
import { sensitive } from '../sensitive/sensitive';
import { seal, unseal, type Encrypter } from './encrypter';
import type { RunJournal } from './types';

/** The id of the record that proves which key a journal's secrets are sealed with. */
export const KEY_CHECK_RUN_ID = 'innominatus:key-check';

/**
 * Checks, at start, that `encrypter` holds the key this journal's sensitive
 * values were sealed with: the first call records a sealed marker, later
 * calls unseal it. A different key fails here, with a message that says so,
 * rather than later as `DECRYPT_FAILED` on the first read of a secret.
 *
 * @throws StoreError `KEY_MISMATCH`.
 */
export async function verifyEncryptionKey(journal: RunJournal, encrypter: Encrypter): Promise<void> {
  const existing = await journal.getRun(KEY_CHECK_RUN_ID);
  if (!existing) {
    const at = new Date().toISOString();
    try {
      await journal.createRun({
        runId: KEY_CHECK_RUN_ID,
        workflow: { apiVersion: 'innominatus.io/v1', kind: 'Workflow', metadata: { name: 'key-check' }, steps: [] },
        parameters: seal({ marker: sensitive('innominatus') }, encrypter, KEY_CHECK_RUN_ID),
        context: {},
        status: 'succeeded',
        attempt: 1,
        createdAt: at,
        updatedAt: at,
      });
      return;
    } catch (err) {
      // Another replica wrote it first: check against theirs.
      if (!(InnominatusError.is(err) && err.code === 'RUN_EXISTS')) throw err;
      return verifyEncryptionKey(journal, encrypter);
    }
  }
  try {
    unseal(existing.parameters, encrypter, KEY_CHECK_RUN_ID);
  } catch {
    throw new StoreError(
      'KEY_MISMATCH',
      `the encryption key does not match the one this store's secrets were sealed with (set on ${existing.createdAt}); use that key, or secrets stored so far cannot be read`,
    );
  }
}
