/**
 * Closes every cluster (or anything with an async `close()`), also when some
 * of them fail to close, then rejects with an `AggregateError` holding every
 * failure, its message naming each; resolves when all closed.
 *
 * @example
 * const made: MockCluster[] = [];
 * afterEach(() => closeClusters(made.splice(0)));
 */
export async function closeClusters(clusters: Iterable<{ close(): Promise<void> }>): Promise<void> {
  const all = [...clusters];
  const results = await Promise.allSettled(all.map((c) => c.close()));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length === 0) return;
  const what = failures.map((e) => (e instanceof Error ? e.message : String(e))).join('; ');
  throw new AggregateError(failures, `closing ${failures.length} of ${all.length} clusters failed: ${what}`);
}
