import type { Logger } from 'pino';
import type { Encrypter, Store } from '@innominatus/core';
import type { HostConfig } from '../config/host-config';
import { migrateSharedIndex } from '../score/shared-index-migration';
import { checkStoreKey, hostEncrypter } from './encryption';
import { importOldSpecs } from './old-specs';
import { openStore } from './open-store';
import type { StartUp } from './start-up';

/**
 * Opens the configured store ready for work: the encrypter of sensitive
 * values (telling where its key file is), the store (closed with the host),
 * the check that the store was sealed with that key, the specs of the old
 * layout imported once, and the index of shared resources built once (from
 * the specs, imported ones included).
 */
export async function openHostStore(config: HostConfig, logger: Logger, start: StartUp): Promise<{ store: Store; encrypter: Encrypter }> {
  const { encrypter, keyFile } = hostEncrypter(config);
  if (keyFile) start.notice(`sensitive outputs are encrypted with the key in ${keyFile}`);
  const { store, description } = await openStore(config.store, encrypter, logger);
  start.onClose(() => store.close());
  start.notice(`store: ${description}`);
  await checkStoreKey(config, store, encrypter, keyFile);
  const old = await importOldSpecs(config.store, store);
  if (old) start.notice(`store: ${old.imported} spec(s) imported from ${old.from} (${old.kept} already in the store kept); it is now ${old.renamedTo}`);
  const indexed = await migrateSharedIndex(store);
  if (indexed) start.notice(`store: the index of shared resources was built (${indexed} shared resources)`);
  return { store, encrypter };
}
