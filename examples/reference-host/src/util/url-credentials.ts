/** Parses a URL; `undefined` for text that is not one (e.g. scp-style `git@host:org/repo`). */
function parse(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/**
 * The URL without user name and password (`https://deploy:TOKEN@host/r.git`
 * → `https://host/r.git`), for status, notices and logs. Text that is not a
 * URL is returned as it is.
 */
export function withoutCredentials(text: string): string {
  const url = parse(text);
  if (!url || (!url.username && !url.password)) return text;
  url.username = '';
  url.password = '';
  return url.toString();
}

/**
 * The secret parts of a URL, as written and percent-decoded: the password,
 * and with `tokenAsUser` a user name of 8 or more characters when there is no
 * password (a token given as the user, as GitHub and GitLab accept; short
 * names like `git` are not secrets). Empty for a URL without them.
 */
export function credentialsOf(text: string, options: { tokenAsUser?: boolean } = {}): string[] {
  const url = parse(text);
  if (!url) return [];
  const parts = url.password ? [url.password] : options.tokenAsUser && url.username.length >= 8 ? [url.username] : [];
  return [...new Set(parts.flatMap((p) => [p, safeDecode(p)]))];
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
