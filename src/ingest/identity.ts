import { createHash } from 'node:crypto';
import { slugify } from '../text/slug.js';

/**
 * The key is a document's identity. Scraped file names carry an opaque hex
 * key from the source ("000_d11a85e7f0a92099.txt"); that key, not a hash of the
 * text, is used, so cleaning the text better never changes an item's id.
 */
export function keyFromPath(path: string): string {
  const base = (path.split('/').pop() ?? path).replace(/\.[^.]+$/, '');
  const hex = base.match(/(?:^|[_-])([0-9a-f]{8,64})$/i)?.[1];
  if (hex) return hex.toLowerCase();
  const slug = slugify(base);
  // Names in scripts slugify can't spell still need a stable, distinct key.
  return slug || `doc-${createHash('sha256').update(base).digest('hex').slice(0, 16)}`;
}

/** Keys declared by authors are used as given, reduced to the characters safe in a URL path. */
export function normalizeKey(declared: string): string {
  const key = declared.trim().replace(/[^A-Za-z0-9._~-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return key || `doc-${createHash('sha256').update(declared).digest('hex').slice(0, 16)}`;
}

// A fixed namespace makes ids the same on every machine, independent of the site URL.
const NAMESPACE = '6f9a3c1e-52d4-4d6b-9a51-0c2e7b3f8d10';

/** RFC 9562 version-5 UUID URN of the key: valid as RSS guid, Atom id and JSON Feed id. */
export function itemId(key: string): string {
  const ns = Buffer.from(NAMESPACE.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(key, 'utf8').digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
