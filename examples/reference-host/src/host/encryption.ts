import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { aesGcmEncrypter, ephemeralEncrypter, InnominatusError, reveal, verifyEncryptionKey, type Encrypter, type Store } from '@innominatus/core';
import type { HostConfig } from '../config/host-config';

/**
 * The encrypter of sensitive values at rest: the configured key; for SQLite
 * without one, a key file beside the database (`<db>.key`, mode 0600, made
 * on first start) so outputs stay readable after a restart; for the memory
 * store, a per-process key.
 */
export function hostEncrypter(config: HostConfig): { encrypter: Encrypter; keyFile?: string } {
  if (config.secrets.encryptionKey) return { encrypter: aesGcmEncrypter(reveal(config.secrets.encryptionKey)) };
  if (config.store.kind !== 'sqlite') return { encrypter: ephemeralEncrypter() };
  const keyFile = `${config.store.filename}.key`;
  if (!existsSync(keyFile)) writeFileSync(keyFile, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(keyFile, 0o600);
  return { encrypter: aesGcmEncrypter(readFileSync(keyFile, 'utf8').trim()), keyFile };
}

/**
 * Stops the start when a durable store was sealed with another key (a store
 * remembers which key sealed its secrets), naming which key was used, rather
 * than later as failed reads of every resource.
 */
export async function checkStoreKey(config: HostConfig, store: Store, encrypter: Encrypter, keyFile?: string): Promise<void> {
  if (config.store.kind === 'memory') return;
  try {
    await verifyEncryptionKey(store, encrypter);
  } catch (err) {
    if (InnominatusError.is(err) && err.code === 'KEY_MISMATCH') {
      const which = keyFile ? `the key in ${keyFile}` : 'the configured key (secrets.encryptionKey or INNOMINATUS_ENCRYPTION_KEY)';
      throw new Error(`${which} is not the key this store was created with: ${err.message}`);
    }
    throw err;
  }
}
