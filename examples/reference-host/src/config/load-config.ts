import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parseDuration, reveal, sensitive } from '@innominatus/core';
import { ConfigError, type Issue } from '../errors';
import { parseYamlSource, type YamlSource } from '../util/yaml-source';
import { at } from '../score/issue-at';
import { schemaIssues } from '../util/schema-issues';
import { configSchema } from './config-schema';
import { ENV_OVERRIDES, SECRET_FIELDS, coerce, setField } from './env-overrides';
import type { HostConfig, ProviderConfig, StoreConfig, TokenConfig } from './host-config';

/** Largest configuration file read. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Largest request body limit that may be configured. */
export const MAX_BODY_LIMIT = 64 * 1024 * 1024;

/** What to load the configuration from. */
export interface LoadConfigOptions {
  /** YAML file; without it the defaults apply. */
  file?: string;
  /** YAML text instead of a file (relative paths then resolve against `baseDir`). */
  text?: string;
  baseDir?: string;
  /** Environment to read overrides and token variables from (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Values set on the command line, by `section.field`; they win over file and environment. */
  overrides?: Partial<Record<'server.port' | 'server.host' | 'store.url' | 'kubernetes.mode' | 'logging.level', string | number>>;
}

// `validateSchema: false`: the schema is checked against JSON Schema's meta-schema by a test, not at every start.
const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, verbose: true, validateSchema: false });
const validate = ajv.compile(configSchema);

/**
 * Reads, overrides and validates the host configuration. Every bad value is
 * reported at once, naming the field, its line and column in the file (or the
 * environment variable it came from) and the value (never a secret's).
 *
 * @example
 * const config = loadConfig({ file: 'config.yaml', overrides: { 'server.port': 0 } });
 */
export function loadConfig(options: LoadConfigOptions = {}): HostConfig {
  const env = options.env ?? process.env;
  const file = options.file ? resolve(options.file) : undefined;
  const baseDir = file ? dirname(file) : resolve(options.baseDir ?? '.');
  let source: YamlSource | undefined;
  let raw: Record<string, unknown> = {};

  const text = file ? readConfigFile(file) : options.text;
  if (text !== undefined && text.trim() !== '') {
    const parsed = parseYamlSource(text);
    if (!parsed.source) throw new ConfigError(file, parsed.issues);
    source = parsed.source;
    if (typeof source.value !== 'object' || source.value === null || Array.isArray(source.value)) {
      throw new ConfigError(file, [{ field: '(document)', message: 'must be a mapping of sections (server, store, kubernetes, auth, providers, ...)' }]);
    }
    raw = source.value as Record<string, unknown>;
    // A section written with only comments under it (`secrets:`) is an empty section.
    for (const [key, value] of Object.entries(raw)) if (value === null) delete raw[key];
  }

  const origins = new Map<string, string>();
  for (const [name, o] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setField(raw, o.path, coerce(value, o.integer));
    origins.set(o.path.join('.'), name);
  }
  for (const [field, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) continue;
    setField(raw, field.split('.') as [string, string], value);
    origins.set(field, 'the command line');
  }

  // `--simulate` (or INNOMINATUS_KUBE_MODE) replaces the file's cluster access as a whole.
  const kube = raw.kubernetes as Record<string, unknown> | undefined;
  if (origins.has('kubernetes.mode') && kube && kube.mode !== 'kubeconfig') {
    delete kube.kubeconfig;
    delete kube.context;
  }
  if (!validate(raw)) {
    const issues = schemaIssues(validate.errors, raw, source).map((i) => describeIssue(i, origins, source));
    throw new ConfigError(file, issues);
  }
  return finish(raw as unknown as RawConfig, { file, baseDir, env, source });
}

function readConfigFile(file: string): string {
  try {
    const size = statSync(file).size;
    if (size > MAX_CONFIG_BYTES) {
      throw new ConfigError(file, [{ field: '(file)', message: `is ${size} bytes; the limit is ${MAX_CONFIG_BYTES}` }], 'CONFIG_READ_FAILED');
    }
    return readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(
      file,
      [{ field: '(file)', message: `cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }],
      'CONFIG_READ_FAILED',
    );
  }
}

/** Removes secret values from a message and names the override the value came from. */
function describeIssue(issue: Issue, origins: Map<string, string>, source?: YamlSource): Issue {
  let out = issue;
  if (SECRET_FIELDS.test(issue.field)) out = { ...out, message: out.message.replace(/; got .*$/s, ' (value not shown)') };
  const origin = origins.get(issue.field);
  if (origin) {
    const { line: _l, col: _c, ...rest } = out;
    out = { ...rest, field: `${issue.field} (from ${origin})` };
  } else if (!source) {
    const { line: _l, col: _c, ...rest } = out;
    out = rest;
  }
  return out;
}

interface RawConfig {
  server: { host: string; port: number; bodyLimit: number | string };
  store: { url: string };
  kubernetes: HostConfig['kubernetes'];
  auth: { tokens: { name: string; role: 'user' | 'admin'; token?: string; tokenEnv?: string }[] };
  steps: string[];
  providers: (
    | { name: string; type: 'filesystem'; path: string; enabled: boolean }
    | { name: string; type: 'git'; repository: string; ref: string; path?: string; enabled: boolean }
  )[];
  orchestrator: { concurrency: number; pollInterval: string; lease: string; instanceId?: string };
  secrets: { encryptionKey?: string; encryptionKeyEnv?: string };
  logging: HostConfig['logging'];
  score: HostConfig['score'];
  telemetry: HostConfig['telemetry'];
}

interface FinishContext {
  file: string | undefined;
  baseDir: string;
  env: Record<string, string | undefined>;
  source: YamlSource | undefined;
}

/** Records an issue at a field of the configuration. */
type Report = (path: (string | number)[], message: string) => void;

/** Checks what a schema cannot say (tokens from the environment, duplicates) and builds the typed config. */
function finish(raw: RawConfig, ctx: FinishContext): HostConfig {
  const issues: Issue[] = [];
  const report: Report = (path, message) => issues.push(at(ctx.source, path, message));
  const tokens = configTokens(raw.auth.tokens, ctx.env, report);
  const providers = configProviders(raw.providers, ctx.baseDir, report);
  const encryptionKey = configEncryptionKey(raw.secrets, ctx.env, report);
  const bodyLimit = parseSize(raw.server.bodyLimit);
  if (bodyLimit < 1024 || bodyLimit > MAX_BODY_LIMIT) {
    report(['server', 'bodyLimit'], `must be between 1KiB and 64MiB; got ${JSON.stringify(raw.server.bodyLimit)} (${bodyLimit} bytes)`);
  }
  const store = storeConfig(raw.store.url);
  checkStoreAndCluster(raw, store, encryptionKey, report);
  if (issues.length) throw new ConfigError(ctx.file, issues);

  return {
    ...(ctx.file ? { file: ctx.file } : {}),
    server: { host: raw.server.host, port: raw.server.port, bodyLimit },
    store,
    kubernetes: {
      mode: raw.kubernetes.mode,
      ...(raw.kubernetes.kubeconfig ? { kubeconfig: absolute(raw.kubernetes.kubeconfig, ctx.baseDir) } : {}),
      ...(raw.kubernetes.context ? { context: raw.kubernetes.context } : {}),
      ...(raw.kubernetes.maxConnections !== undefined ? { maxConnections: raw.kubernetes.maxConnections } : {}),
    },
    auth: { tokens },
    steps: raw.steps.map((specifier) => ({ specifier, baseDir: ctx.baseDir })),
    providers,
    orchestrator: {
      concurrency: raw.orchestrator.concurrency,
      pollIntervalMs: parseDuration(raw.orchestrator.pollInterval),
      leaseMs: parseDuration(raw.orchestrator.lease),
      ...(raw.orchestrator.instanceId ? { instanceId: raw.orchestrator.instanceId } : {}),
    },
    secrets: encryptionKey ? { encryptionKey: sensitive(encryptionKey) } : {},
    logging: raw.logging,
    score: raw.score,
    telemetry: raw.telemetry,
  };
}

/** The API tokens: each with exactly one of `token` or `tokenEnv` (set, at least 16 characters), no two with the same value. */
function configTokens(raw: RawConfig['auth']['tokens'], env: FinishContext['env'], report: Report): TokenConfig[] {
  const tokens: TokenConfig[] = [];
  const seen = new Set<string>();
  raw.forEach((t, i) => {
    if ((t.token === undefined) === (t.tokenEnv === undefined)) {
      report(['auth', 'tokens', i], 'needs exactly one of `token` or `tokenEnv`');
      return;
    }
    let value = t.token;
    if (t.tokenEnv !== undefined) {
      value = env[t.tokenEnv];
      if (value === undefined || value === '') {
        report(['auth', 'tokens', i, 'tokenEnv'], `environment variable ${t.tokenEnv} is not set`);
        return;
      }
      if (value.length < 16) {
        report(['auth', 'tokens', i, 'tokenEnv'], `environment variable ${t.tokenEnv} holds a token shorter than 16 characters`);
        return;
      }
    }
    if (seen.has(value!)) {
      report(['auth', 'tokens', i], `token '${t.name}' has the same value as an earlier token`);
      return;
    }
    seen.add(value!);
    tokens.push({ name: t.name, role: t.role, token: sensitive(value!) });
  });
  return tokens;
}

/** The providers, each name once; filesystem paths made absolute against `baseDir`. */
function configProviders(raw: RawConfig['providers'], baseDir: string, report: Report): ProviderConfig[] {
  const providers: ProviderConfig[] = [];
  const seen = new Set<string>();
  raw.forEach((p, i) => {
    if (seen.has(p.name)) {
      report(['providers', i, 'name'], `provider '${p.name}' is configured twice`);
      return;
    }
    seen.add(p.name);
    providers.push({
      name: p.name,
      enabled: p.enabled,
      source:
        p.type === 'filesystem'
          ? { type: 'filesystem', path: absolute(p.path, baseDir) }
          : { type: 'git', repository: p.repository, ref: p.ref, ...(p.path ? { path: p.path } : {}) },
    });
  });
  return providers;
}

/** The configured encryption key, or the one in the variable `encryptionKeyEnv` names (set, 32 bytes as hex or base64). */
function configEncryptionKey(raw: RawConfig['secrets'], env: FinishContext['env'], report: Report): string | undefined {
  if (raw.encryptionKeyEnv === undefined || raw.encryptionKey !== undefined) return raw.encryptionKey;
  const key = env[raw.encryptionKeyEnv];
  if (!key) report(['secrets', 'encryptionKeyEnv'], `environment variable ${raw.encryptionKeyEnv} is not set`);
  else if (!/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/.test(key)) {
    report(['secrets', 'encryptionKeyEnv'], `environment variable ${raw.encryptionKeyEnv} must hold 32 bytes as 64 hex or 44 base64 characters`);
  }
  return key;
}

/** What fields require of each other: a PostgreSQL URL that parses and a key beside it; kubeconfig and context only in mode `kubeconfig`. */
function checkStoreAndCluster(raw: RawConfig, store: StoreConfig, encryptionKey: string | undefined, report: Report): void {
  if (store.kind === 'postgres' && !URL.canParse(reveal(store.connectionString))) {
    // The value is not echoed: it may hold a password.
    report(
      ['store', 'url'],
      'is not a valid URL (expected postgres://user:password@host:port/database, with a port from 1 to 65535 and special characters in the password percent-encoded)',
    );
  }
  if (store.kind === 'postgres' && !encryptionKey) {
    report(['secrets', 'encryptionKey'], 'is required with a PostgreSQL store, so that every replica can read the sensitive outputs the others stored');
  }
  if (raw.kubernetes.mode !== 'kubeconfig' && (raw.kubernetes.kubeconfig || raw.kubernetes.context)) {
    report(['kubernetes', 'mode'], `is '${raw.kubernetes.mode}'; kubeconfig and context apply only to mode 'kubeconfig'`);
  }
}

function absolute(path: string, baseDir: string): string {
  const expanded = path.startsWith('~/') ? `${process.env.HOME ?? ''}${path.slice(1)}` : path;
  return isAbsolute(expanded) ? expanded : resolve(baseDir, expanded);
}

/** `sqlite:<file>`, `postgres://...` or `memory`. SQLite paths are relative to the working directory. */
export function storeConfig(url: string): StoreConfig {
  if (url === 'memory') return { kind: 'memory' };
  if (url.startsWith('sqlite:')) return { kind: 'sqlite', filename: resolve(url.slice('sqlite:'.length)) };
  return { kind: 'postgres', connectionString: sensitive(url) };
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1000, kib: 1024, mb: 1000 ** 2, mib: 1024 ** 2 };

function parseSize(value: number | string): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value)!;
  return Math.floor(Number(m[1]) * (SIZE_UNITS[(m[2] || 'b').toLowerCase()] ?? 1));
}
