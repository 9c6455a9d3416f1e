/**
 * RFC 9110 §13.2.2 evaluation of If-None-Match and If-Modified-Since for GET
 * and HEAD. Request Cache-Control is not consulted: it is addressed to caches,
 * and fetch() adds "no-cache" to every conditional request it sends.
 */
export function notModified(ifNoneMatch: string | undefined, ifModifiedSince: string | undefined, etag: string, lastModified: Date): boolean {
  if (ifNoneMatch !== undefined) return matchesAny(ifNoneMatch, etag);
  if (ifModifiedSince === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  // An invalid date is ignored (§13.1.3); HTTP dates have whole seconds.
  if (Number.isNaN(since)) return false;
  return Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
}

/** Weak comparison (§8.8.3.2): W/ prefixes are ignored on both sides; "*" matches any current representation. */
function matchesAny(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const opaque = stripWeak(etag);
  for (const candidate of header.split(',')) {
    if (stripWeak(candidate.trim()) === opaque) return true;
  }
  return false;
}

function stripWeak(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
