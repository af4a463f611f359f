import { createCipheriv, createDecipheriv, randomBytes, randomFillSync } from 'node:crypto';
import { StoreError } from '../errors';
import { isSensitive, MAX_VALUE_DEPTH, reveal, sensitive } from '../sensitive/sensitive';
import { setOwn } from '../util/set-own';

/**
 * Turns a sensitive value into ciphertext and back. `context` is bound to the
 * ciphertext (AES-GCM additional data): a value sealed for one run or
 * resource cannot be decrypted in another's.
 */
export interface Encrypter {
  encrypt(plaintext: string, context?: string): string;
  decrypt(ciphertext: string, context?: string): string;
}

const SEALED_KEY = '$sensitive';
// Marks a plain object that happens to use one of our marker keys, so that
// user data can never pass for a sealed value.
const ESCAPE_KEY = '$plain';

/**
 * AES-256-GCM with a caller-supplied 32-byte key (a Buffer, or 64 hex or 44
 * base64 characters). Each value gets a fresh 12-byte nonce; the output is
 * `v1:<nonce>:<tag>:<ciphertext>` in base64url.
 *
 * @example
 * const encrypter = aesGcmEncrypter(process.env.INNOMINATUS_KEY!);
 */
export function aesGcmEncrypter(key: Buffer | string): Encrypter {
  if (typeof key !== 'string' && !Buffer.isBuffer(key)) {
    throw new StoreError(
      'KEY_INVALID',
      `an AES-256-GCM key is required: a Buffer of 32 bytes, or 64 hex or 44 base64 characters (got ${key === undefined ? 'nothing' : typeof key})`,
    );
  }
  const k = typeof key === 'string' ? decodeKey(key) : key;
  if (k.length !== 32) throw new StoreError('KEY_INVALID', `an AES-256-GCM key must be 32 bytes, got ${k.length}`);
  const nonce = nonceSource();
  return {
    encrypt(plaintext, context) {
      const iv = nonce();
      const cipher = createCipheriv('aes-256-gcm', k, iv);
      if (context !== undefined) cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(':');
    },
    decrypt(ciphertext, context) {
      const [v, iv, tag, body] = ciphertext.split(':');
      if (v !== 'v1' || !iv || !tag || body === undefined) throw new StoreError('DECRYPT_FAILED', 'stored sensitive value is not in the expected format');
      try {
        const d = createDecipheriv('aes-256-gcm', k, Buffer.from(iv, 'base64url'));
        d.setAuthTag(Buffer.from(tag, 'base64url'));
        if (context !== undefined) d.setAAD(Buffer.from(context, 'utf8'));
        return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
      } catch {
        throw new StoreError(
          'DECRYPT_FAILED',
          'a stored sensitive value cannot be decrypted with this key for this record (was the encryption key changed, or the value copied from another record?)',
        );
      }
    },
  };
}

/** A random key for one process: sealed values do not survive a restart. */
export function ephemeralEncrypter(): Encrypter {
  return aesGcmEncrypter(randomBytes(32));
}

/** Nonces taken from the random source once per this many (a call to it costs several microseconds, as much as the rest of a small value's encryption). */
const NONCES_PER_FILL = 1_024;

/**
 * Fresh random 12-byte nonces, cut from a buffer of random bytes filled
 * again once all of it is used: each comes from the same random source as
 * `randomBytes(12)`, and none is handed out twice. A nonce is a view of the
 * buffer, valid until the next call (encrypt uses it at once).
 */
function nonceSource(): () => Buffer {
  const pool = Buffer.alloc(12 * NONCES_PER_FILL);
  let next = pool.length;
  return () => {
    if (next === pool.length) {
      randomFillSync(pool);
      next = 0;
    }
    next += 12;
    return pool.subarray(next - 12, next);
  };
}

function decodeKey(key: string): Buffer {
  if (/^[0-9a-fA-F]{64}$/.test(key)) return Buffer.from(key, 'hex');
  return Buffer.from(key, 'base64');
}

/**
 * Replaces every sensitive value inside with `{ "$sensitive": ciphertext }`
 * (JSON-safe), bound to `context` (e.g. the run id). Plain objects that use
 * the marker keys themselves are escaped, so they come back unchanged.
 * What holds neither (a plain object or an array with no sensitive value
 * and no marker key anywhere inside) is the same object in the result, not
 * a copy, so the result must not be mutated; other objects are copied as
 * plain ones.
 */
export function seal(value: unknown, encrypter: Encrypter, context?: string, depth = 0): unknown {
  if (isSensitive(value)) return { [SEALED_KEY]: encrypter.encrypt(JSON.stringify(reveal(value)) ?? 'null', context) };
  if (typeof value !== 'object' || value === null || depth > MAX_VALUE_DEPTH) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = seal(value[i], encrypter, context, depth + 1);
      if (v === value[i]) continue;
      out ??= value.slice();
      out[i] = v;
    }
    return out ?? value;
  }
  const proto = Object.getPrototypeOf(value);
  if ((proto === Object.prototype || proto === null) && !(SEALED_KEY in value) && !(ESCAPE_KEY in value)) {
    return sealPlain(value as Record<string, unknown>, encrypter, context, depth);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) setOwn(out, k, seal(v, encrypter, context, depth + 1));
  return SEALED_KEY in out || ESCAPE_KEY in out ? { [ESCAPE_KEY]: out } : out;
}

/** {@link seal} of a plain object without marker keys: the object itself when no value inside changes, else a copy from the first change on. */
function sealPlain(value: Record<string, unknown>, encrypter: Encrypter, context: string | undefined, depth: number): Record<string, unknown> {
  const entries = Object.entries(value);
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < entries.length; i++) {
    const [k, v] = entries[i]!;
    const sealed = seal(v, encrypter, context, depth + 1);
    if (sealed !== v && !out) {
      out = {};
      for (let j = 0; j < i; j++) setOwn(out, entries[j]![0], entries[j]![1]);
    }
    if (out) setOwn(out, k, sealed);
  }
  return out ?? value;
}

/** The inverse of {@link seal}: sealed values come back as sensitive values. */
export function unseal(value: unknown, encrypter: Encrypter, context?: string, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > MAX_VALUE_DEPTH || isSensitive(value)) return value;
  if (Array.isArray(value)) return value.map((v) => unseal(v, encrypter, context, depth + 1));
  const keys = Object.keys(value);
  const record = value as Record<string, unknown>;
  if (keys.length === 1 && keys[0] === SEALED_KEY && typeof record[SEALED_KEY] === 'string') {
    return sensitive(JSON.parse(encrypter.decrypt(record[SEALED_KEY] as string, context)));
  }
  const body =
    keys.length === 1 && keys[0] === ESCAPE_KEY && typeof record[ESCAPE_KEY] === 'object' && record[ESCAPE_KEY] !== null
      ? (record[ESCAPE_KEY] as Record<string, unknown>)
      : record;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) setOwn(out, k, unseal(v, encrypter, context, depth + 1));
  return out;
}
