import { createHash, timingSafeEqual } from 'node:crypto';
import { reveal } from '@innominatus/core';
import { AuthError } from '../errors';
import type { Role, TokenConfig } from '../config/host-config';

/** Who made a request. */
export interface Principal {
  name: string;
  role: Role;
}

/** Checks bearer tokens. Only SHA-256 digests of the tokens are kept. */
export interface Authenticator {
  /** The principal of an `Authorization` header; throws 401 `AuthError` for a missing or unknown token. */
  authenticate(header: string | undefined): Principal;
}

const BEARER = /^Bearer\s+(\S{1,4096})\s*$/i;

/**
 * Makes an authenticator over the configured tokens. Every known token is
 * compared on each request with `crypto.timingSafeEqual` over SHA-256 digests,
 * so neither the match position nor the token length shows in the timing.
 */
export function createAuthenticator(tokens: readonly TokenConfig[]): Authenticator {
  const known = tokens.map((t) => ({ name: t.name, role: t.role, digest: digest(reveal(t.token)) }));
  return {
    authenticate(header) {
      if (!header) throw new AuthError('UNAUTHENTICATED', 'missing bearer token: send "Authorization: Bearer <token>"');
      const m = BEARER.exec(header);
      if (!m) throw new AuthError('UNAUTHENTICATED', 'the Authorization header must be "Bearer <token>"');
      const presented = digest(m[1]!);
      let match: Principal | undefined;
      for (const k of known) {
        if (timingSafeEqual(presented, k.digest) && !match) match = { name: k.name, role: k.role };
      }
      if (!match) throw new AuthError('UNAUTHENTICATED', 'unknown bearer token');
      return match;
    },
  };
}

/** Throws 403 unless the principal is an admin. */
export function requireAdmin(principal: Principal, what: string): void {
  if (principal.role !== 'admin') throw new AuthError('FORBIDDEN', `${what} needs the admin role; token '${principal.name}' has role '${principal.role}'`);
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
