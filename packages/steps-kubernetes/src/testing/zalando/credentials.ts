import { randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** The operator's role name rule; a role that fails it makes creation fail (`invalid username`). */
export const ROLE_NAME = /^[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*$/;

/**
 * The name of the operator's credentials Secret for a role:
 * `{username with _ → -}.{cluster}.credentials.postgresql.acid.zalan.do`.
 *
 * @example
 * credentialsSecretName('myapp_app', 'team-myapp-db') // 'myapp-app.team-myapp-db.credentials.postgresql.acid.zalan.do'
 */
export function credentialsSecretName(username: string, cluster: string): string {
  return `${username.replace(/_/g, '-')}.${cluster}.credentials.postgresql.acid.zalan.do`;
}

/** 64 characters of `[a-zA-Z0-9]`, like the operator's generated passwords. */
export function generatePassword(): string {
  let out = '';
  for (let i = 0; i < 64; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}
