import type { Resource, SiteMap } from '../site.js';
import type { Coding } from './negotiate.js';

/** One coding of a resource, ready to write: the status line's code, flat header arrays and the body. */
export interface Variant {
  etag: string;
  /** The Last-Modified header's value (IMF-fixdate). */
  lastModified: string;
  status: number;
  headers: string[];
  /**
   * Headers of a 304 (RFC 9110 §15.4.5): the ETag, caching (Cache-Control,
   * Vary) and the CORS headers a cross-origin conditional fetch needs. No
   * Content-* fields, and no Last-Modified (the ETag already validates) or
   * security headers (a 304 has no body; caches keep the stored ones).
   */
  notModifiedHeaders: string[];
  body: Buffer;
}

export interface Prepared {
  resource: Resource;
  variants: Record<Coding, Variant>;
}

const FEED_TYPE = /^(?:application\/(?:rss|atom|feed)\+(?:xml|json)|text\/x-opml)\b/;

/**
 * Content-Security-Policy of every HTML page: no script at all, styles only
 * from the site's stylesheet, images from anywhere secure (article images
 * are hot-linked from their sources).
 */
export const CSP = "default-src 'none'; style-src 'self'; img-src 'self' https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Builds every header a resource is answered with, once per site version.
 * Names are lower case, as HTTP/2 sends them (field names are
 * case-insensitive, RFC 9110 §5.1): Node lower-cases most names of every
 * response it writes to spot the ones it acts on, which costs a string per
 * header unless the name already is.
 * Each coding gets its own strong ETag ("<hash>", "<hash>-gzip", "<hash>-br"):
 * RFC 9110 §8.8.3.3 asks for distinct tags for differently encoded bytes, so
 * that caches and range requests never mix them.
 */
export function prepare(resource: Resource, cacheControl: string): Prepared {
  const caching = ['cache-control', cacheControl, 'vary', 'Accept-Encoding'];
  // Feeds are read cross-origin by browser readers; ETag is not a CORS-safelisted response header.
  const cors = FEED_TYPE.test(resource.type) ? ['access-control-allow-origin', '*', 'access-control-expose-headers', 'ETag'] : [];
  const security = ['x-content-type-options', 'nosniff'];
  if (resource.type.startsWith('text/html')) security.push('content-security-policy', CSP, 'referrer-policy', 'strict-origin-when-cross-origin');
  const lastModified = resource.lastModified.toUTCString();
  const variant = (coding: Coding, body: Buffer): Variant => {
    const etag = coding === 'identity' ? resource.etag : `${resource.etag.slice(0, -1)}-${coding}"`;
    return {
      etag,
      lastModified,
      status: resource.status,
      headers: [
        'content-type',
        resource.type,
        'content-length',
        String(body.length),
        ...(coding === 'identity' ? [] : ['content-encoding', coding]),
        'etag',
        etag,
        'last-modified',
        lastModified,
        ...caching,
        ...security,
        ...cors,
      ],
      notModifiedHeaders: ['etag', etag, ...caching, ...cors],
      body,
    };
  };
  return {
    resource,
    variants: { identity: variant('identity', resource.body), gzip: variant('gzip', resource.gzip), br: variant('br', resource.br) },
  };
}

/**
 * Prepared responses of the current site version. A new version (a rebuild
 * swapped in) drops every entry at once; a request uses the version it
 * looked up, whole. Only hits are kept, so probing unknown paths costs no memory.
 */
export class PreparedSite {
  private site: SiteMap | undefined;
  private byPath = new Map<string, Prepared>();
  private variants = new Map<string, Prepared>();

  constructor(
    private readonly cacheControl: string,
    /** Query variants (e.g. ?limit=N) kept per version; the oldest is dropped beyond this. */
    private readonly maxVariants = 128,
  ) {}

  lookup(site: SiteMap, path: string): Prepared | undefined {
    if (site !== this.site) this.reset(site);
    let prepared = this.byPath.get(path);
    if (prepared === undefined) {
      const resource = site.get(path);
      if (resource === undefined) return undefined;
      prepared = prepare(resource, this.cacheControl);
      this.byPath.set(path, prepared);
    }
    return prepared;
  }

  /** A variant rendered on demand, once per site version and key. */
  variant(site: SiteMap, key: string, render: () => Resource): Prepared {
    if (site !== this.site) this.reset(site);
    let prepared = this.variants.get(key);
    if (prepared === undefined) {
      prepared = prepare(render(), this.cacheControl);
      if (this.variants.size >= this.maxVariants) this.variants.delete(this.variants.keys().next().value as string);
      this.variants.set(key, prepared);
    }
    return prepared;
  }

  private reset(site: SiteMap): void {
    this.site = site;
    this.byPath = new Map();
    this.variants = new Map();
  }
}
