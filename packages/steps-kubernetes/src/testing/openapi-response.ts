import { servedDocument } from './openapi';
import { header } from './request-options';
import type { MockRequest, MockResponse } from './types';

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/** Whether an `If-None-Match` value names `etag` (quoted, weak or not) or is `*`, as Go's `http.ServeContent` compares them. */
function noneMatch(value: string | undefined, etag: string): boolean {
  if (value === undefined) return false;
  const quoted = `"${etag}"`;
  return value.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === quoted;
  });
}

/**
 * Answers an OpenAPI document request as the API server's OpenAPI handlers do:
 * with an `ETag` (the document's hash), `304 Not Modified` and no body when
 * `If-None-Match` names it, and, for a v3 document asked for at its current
 * `?hash=`, `Cache-Control: public, immutable` with an `Expires` a year ahead
 * (kubectl's HTTP cache then does not ask again).
 */
export function openApiResponse(req: MockRequest, doc: Record<string, unknown>, hash: string | undefined): MockResponse {
  const { body, etag } = servedDocument(doc);
  const headers: Record<string, string> = { etag: `"${etag}"` };
  if (hash === etag) {
    Object.assign(headers, { vary: 'Accept', 'cache-control': 'public, immutable', expires: new Date(Date.now() + YEAR_MS).toUTCString() });
  }
  if (noneMatch(header(req, 'if-none-match'), etag)) return { status: 304, headers, body: '' };
  return { status: 200, headers: { 'content-type': 'application/json', ...headers }, body };
}
