import type { KubeObject } from '../client/kubernetes-client';

/** Longest status text quoted in messages. */
const MAX_STATUS_TEXT = 500;

/**
 * The observed state of an object for messages and progress: its `status`
 * as JSON (never `data`/`spec`, so a Secret's values cannot leak), or that
 * it does not exist / has no status yet.
 */
export function statusText(object: KubeObject | undefined): string {
  if (!object) return 'the object does not exist';
  const status = object.status;
  if (status === undefined || status === null) return 'no status yet';
  const text = JSON.stringify(status);
  return text.length > MAX_STATUS_TEXT ? `${text.slice(0, MAX_STATUS_TEXT)}...` : text;
}
