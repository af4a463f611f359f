import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { aesGcmEncrypter, ephemeralEncrypter, reveal, type Encrypter } from '@innominatus/core';
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
