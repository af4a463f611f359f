/**
 * Environment variables that override the configuration file, and the field
 * each one sets. Command-line flags override both.
 */
export const ENV_OVERRIDES: Readonly<Record<string, { path: [string, string]; integer?: boolean }>> = {
  INNOMINATUS_HOST: { path: ['server', 'host'] },
  INNOMINATUS_PORT: { path: ['server', 'port'], integer: true },
  INNOMINATUS_BODY_LIMIT: { path: ['server', 'bodyLimit'] },
  INNOMINATUS_DATABASE_URL: { path: ['store', 'url'] },
  INNOMINATUS_KUBE_MODE: { path: ['kubernetes', 'mode'] },
  INNOMINATUS_KUBECONFIG: { path: ['kubernetes', 'kubeconfig'] },
  INNOMINATUS_KUBE_CONTEXT: { path: ['kubernetes', 'context'] },
  INNOMINATUS_CONCURRENCY: { path: ['orchestrator', 'concurrency'], integer: true },
  INNOMINATUS_POLL_INTERVAL: { path: ['orchestrator', 'pollInterval'] },
  INNOMINATUS_LEASE: { path: ['orchestrator', 'lease'] },
  INNOMINATUS_INSTANCE_ID: { path: ['orchestrator', 'instanceId'] },
  INNOMINATUS_ENCRYPTION_KEY: { path: ['secrets', 'encryptionKey'] },
  INNOMINATUS_LOG_LEVEL: { path: ['logging', 'level'] },
  INNOMINATUS_OTLP_ENDPOINT: { path: ['telemetry', 'otlpEndpoint'] },
};

/** Fields whose values must never be quoted in an error. */
export const SECRET_FIELDS = /^(auth\.tokens\.\d+\.token|secrets\.encryptionKey|store\.url)$/;

/** Sets `raw[a][b] = value`, creating `raw[a]` when needed. */
export function setField(raw: Record<string, unknown>, [a, b]: readonly [string, string], value: unknown): void {
  const section = raw[a];
  const obj = typeof section === 'object' && section !== null && !Array.isArray(section) ? (section as Record<string, unknown>) : {};
  obj[b] = value;
  raw[a] = obj;
}

/** An integer-looking string becomes a number; anything else stays as written so validation quotes it. */
export function coerce(value: string, integer: boolean | undefined): unknown {
  return integer && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
}
