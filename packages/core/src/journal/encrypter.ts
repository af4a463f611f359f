import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { StoreError } from '../errors';
import { isSensitive, mapSensitive, reveal, sensitive } from '../sensitive/sensitive';

/** Turns a sensitive value into ciphertext and back. */
export interface Encrypter {
  encrypt(plaintext: string): string;
  decrypt(ciphertext: string): string;
}

const SEALED_KEY = '$sensitive';

/**
 * AES-256-GCM with a caller-supplied 32-byte key (a Buffer, or 64 hex or 44
 * base64 characters). Each value gets a fresh 12-byte nonce; the output is
 * `v1:<nonce>:<tag>:<ciphertext>` in base64url.
 *
 * @example
 * const encrypter = aesGcmEncrypter(process.env.INNOMINATUS_KEY!);
 */
export function aesGcmEncrypter(key: Buffer | string): Encrypter {
  const k = typeof key === 'string' ? decodeKey(key) : key;
  if (k.length !== 32) throw new StoreError('DECRYPT_FAILED', `an AES-256-GCM key must be 32 bytes, got ${k.length}`);
  return {
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', k, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(':');
    },
    decrypt(ciphertext) {
      const [v, iv, tag, body] = ciphertext.split(':');
      if (v !== 'v1' || !iv || !tag || body === undefined) throw new StoreError('DECRYPT_FAILED', 'stored sensitive value is not in the expected format');
      try {
        const d = createDecipheriv('aes-256-gcm', k, Buffer.from(iv, 'base64url'));
        d.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
      } catch {
        throw new StoreError('DECRYPT_FAILED', 'a stored sensitive value cannot be decrypted with this key (was the encryption key changed?)');
      }
    },
  };
}

/** A random key for one process: sealed values do not survive a restart. */
export function ephemeralEncrypter(): Encrypter {
  return aesGcmEncrypter(randomBytes(32));
}

function decodeKey(key: string): Buffer {
  if (/^[0-9a-fA-F]{64}$/.test(key)) return Buffer.from(key, 'hex');
  return Buffer.from(key, 'base64');
}

/** Replaces every sensitive value inside with `{ "$sensitive": ciphertext }` (JSON-safe). */
export function seal(value: unknown, encrypter: Encrypter): unknown {
  return mapSensitive(value, (s) => ({ [SEALED_KEY]: encrypter.encrypt(JSON.stringify(reveal(s)) ?? 'null') }));
}

/** The inverse of {@link seal}: sealed values come back as sensitive values. */
export function unseal(value: unknown, encrypter: Encrypter, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > 100 || isSensitive(value)) return value;
  if (Array.isArray(value)) return value.map((v) => unseal(v, encrypter, depth + 1));
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === SEALED_KEY && typeof (value as Record<string, unknown>)[SEALED_KEY] === 'string') {
    return sensitive(JSON.parse(encrypter.decrypt((value as Record<string, string>)[SEALED_KEY]!)));
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = unseal(v, encrypter, depth + 1);
  return out;
}
