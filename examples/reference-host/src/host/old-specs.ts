import { existsSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { InnominatusError, reveal, type Store, type StoredSpec } from '@innominatus/core';
import type { StoreConfig } from '../config/host-config';
import { HostError } from '../errors';

/**
 * Hosts before specs lived in the store kept them apart: with SQLite, one
 * `<name>.json` per application (`{ name, spec, submittedAt }`, beside a
 * `<name>.summary`) in the folder `<database>.specs`; with PostgreSQL, in
 * the table `innominatus_host_specs (name, spec jsonb, submitted_at)`.
 */
export const OLD_SPEC_TABLE = 'innominatus_host_specs';

/** The one lock of the import: specs are written before the host serves, so no submission can be under way on this store. */
const IMPORT_LOCK = '#old-specs';

/** What an import did, for the start-up notice. */
export interface OldSpecsImport {
  /** Where the specs were read. */
  from: string;
  /** Where that folder or table now is. */
  renamedTo: string;
  /** Specs written to the store. */
  imported: number;
  /** Specs left out because the store already had a spec of that application (the store's is newer). */
  kept: number;
}

/**
 * Moves the specs of the old layout of the configured store into the store,
 * once: all in one transaction, each only when the store has no spec of that
 * application; then renames the old folder or table (`….imported`), which is
 * kept for inspection and not read again. Returns `undefined` when there is
 * no old layout. A spec that cannot be read or stored stops the start with
 * `OLD_SPECS_INVALID` naming the file or row, and nothing is imported.
 */
export async function importOldSpecs(config: StoreConfig, store: Store): Promise<OldSpecsImport | undefined> {
  if (config.kind === 'sqlite') return importSpecFolder(`${config.filename}.specs`, store);
  if (config.kind === 'postgres') return importSpecTable(reveal(config.connectionString), store);
  return undefined;
}

async function importSpecFolder(dir: string, store: Store): Promise<OldSpecsImport | undefined> {
  if (!existsSync(dir)) return undefined;
  // Only `<name>.json`: the summaries are made again by the store, and `*.tmp` are writes a crash cut short.
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const specs = files.map((f) => ({ where: join(dir, f), spec: oldSpecFile(join(dir, f), f.slice(0, -'.json'.length)) }));
  const counts = await writeSpecs(store, specs);
  const renamedTo = freeName(`${dir}.imported`, '.', existsSync);
  renameSync(dir, renamedTo);
  return { from: dir, renamedTo, ...counts };
}

function oldSpecFile(file: string, name: string): StoredSpec {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw oldSpecError(`${file}: not a readable JSON spec (${(err as Error).message})`, err);
  }
  const spec = value as Partial<StoredSpec> | null;
  if (spec?.name !== name) throw oldSpecError(`${file}: name must be '${name}' (the file's name), got ${JSON.stringify(spec?.name)?.slice(0, 80)}`);
  return { name, spec: spec.spec as StoredSpec['spec'], submittedAt: spec.submittedAt as string };
}

async function importSpecTable(connectionString: string, store: Store): Promise<OldSpecsImport | undefined> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query('BEGIN');
    // The key under which hosts of the old layout created the table: hosts starting together import one after the other, and the later ones find it renamed.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [OLD_SPEC_TABLE]);
    const tables = await tableNames(client);
    if (!tables.has(OLD_SPEC_TABLE)) {
      await client.query('COMMIT');
      return undefined;
    }
    const { rows } = await client.query<{ name: string; spec: StoredSpec['spec']; submitted_at: Date }>(
      `SELECT name, spec, submitted_at FROM ${OLD_SPEC_TABLE} ORDER BY name COLLATE "C"`,
    );
    const specs = rows.map((r) => ({
      where: `table ${OLD_SPEC_TABLE}, row '${r.name}'`,
      spec: { name: r.name, spec: r.spec, submittedAt: r.submitted_at.toISOString() },
    }));
    const counts = await writeSpecs(store, specs);
    const renamedTo = freeName(`${OLD_SPEC_TABLE}_imported`, '_', (n) => tables.has(n));
    await client.query(`ALTER TABLE ${OLD_SPEC_TABLE} RENAME TO ${renamedTo}`);
    await client.query('COMMIT');
    return { from: `table ${OLD_SPEC_TABLE}`, renamedTo: `table ${renamedTo}`, ...counts };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function tableNames(client: { query<R extends object>(text: string): Promise<{ rows: R[] }> }): Promise<Set<string>> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE '${OLD_SPEC_TABLE}%'`,
  );
  return new Set(rows.map((r) => r.name));
}

/** Writes the specs the store does not have, in one transaction; a spec the store refuses names where it came from. */
async function writeSpecs(store: Store, specs: { where: string; spec: StoredSpec }[]): Promise<{ imported: number; kept: number }> {
  return store.transaction(IMPORT_LOCK, async (tx) => {
    let imported = 0;
    for (const { where, spec } of specs) {
      if (await tx.getSpec(spec.name)) continue;
      try {
        await tx.putSpec(spec);
      } catch (err) {
        if (InnominatusError.is(err) && err.code === 'SPEC_INVALID') throw oldSpecError(`${where}: ${err.message}`, err);
        throw err;
      }
      imported++;
    }
    return { imported, kept: specs.length - imported };
  });
}

/** `name`, or `name<separator>2`, `name<separator>3`... when it is taken: an earlier import's copy is never overwritten. */
function freeName(name: string, separator: string, taken: (candidate: string) => boolean): string {
  let candidate = name;
  for (let n = 2; taken(candidate); n++) candidate = `${name}${separator}${n}`;
  return candidate;
}

function oldSpecError(message: string, cause?: unknown): HostError {
  return new HostError('OLD_SPECS_INVALID', 500, `specs of the old layout cannot be imported: ${message}`, [], { cause });
}
