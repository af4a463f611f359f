/** Digits only: a resourceVersion that can be compared as an integer. */
const INTEGER = /^[0-9]+$/;

/**
 * Whether an observed `metadata.resourceVersion` is newer than `since`.
 *
 * Kubernetes calls resourceVersion opaque, but etcd-backed API servers (and
 * the mock cluster) hand out one increasing integer per write, so when both
 * values are integers they are compared as integers (as BigInt: etcd's
 * revision is 64-bit). When either is not an integer, all that can be said is
 * whether it changed, so "newer" falls back to "different from `since`".
 */
export function isNewerResourceVersion(observed: string | undefined, since: string): boolean {
  const current = observed ?? '';
  if (INTEGER.test(current) && INTEGER.test(since)) return BigInt(current) > BigInt(since);
  return current !== since;
}
