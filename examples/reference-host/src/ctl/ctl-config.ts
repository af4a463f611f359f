import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

/** Where `innominatus-ctl` sends requests, and with which token. */
export interface CtlTarget {
  server: string;
  token: string;
}

/** A usage or configuration problem: exit code 2. */
export class CtlUsageError extends Error {}

/** The default host of a local `innominatus-host`. */
export const DEFAULT_SERVER = 'http://127.0.0.1:8081';

/** The config file's default place: `$XDG_CONFIG_HOME/innominatus/ctl.yaml` (or `~/.config/...`). */
export function defaultConfigFile(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'innominatus', 'ctl.yaml');
}

/**
 * The server and token, first found of: the `--server` option, then
 * `INNOMINATUS_SERVER` / `INNOMINATUS_TOKEN`, then the config file
 * (`--config`, `INNOMINATUS_CONFIG`, or the default place) with `server:` and `token:`.
 */
export function resolveTarget(options: { server?: string; config?: string }, env: NodeJS.ProcessEnv): CtlTarget {
  const file = options.config ?? env.INNOMINATUS_CONFIG ?? defaultConfigFile(env);
  const fromFile = readConfigFile(file, options.config !== undefined || env.INNOMINATUS_CONFIG !== undefined);
  const server = (options.server ?? env.INNOMINATUS_SERVER ?? fromFile.server ?? DEFAULT_SERVER).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+$/.test(server))
    throw new CtlUsageError(`the server must be an http(s) URL without a path, like ${DEFAULT_SERVER}; got '${server}'`);
  const token = env.INNOMINATUS_TOKEN ?? fromFile.token;
  if (!token) throw new CtlUsageError(`no API token: set INNOMINATUS_TOKEN, or put 'token: <token>' in ${file}`);
  return { server, token };
}

function readConfigFile(file: string, required: boolean): { server?: string; token?: string } {
  if (!existsSync(file)) {
    if (required) throw new CtlUsageError(`config file ${file} does not exist`);
    return {};
  }
  let value: unknown;
  try {
    value = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CtlUsageError(`config file ${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new CtlUsageError(`config file ${file} must be a mapping with 'server' and 'token'`);
  const out: { server?: string; token?: string } = {};
  for (const [k, v] of Object.entries(value)) {
    if (k !== 'server' && k !== 'token') throw new CtlUsageError(`config file ${file}: unknown field '${k}' (known: server, token)`);
    if (typeof v !== 'string' || v === '') throw new CtlUsageError(`config file ${file}: '${k}' must be a non-empty string`);
    out[k] = v;
  }
  return out;
}
