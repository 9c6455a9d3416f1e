import type { Resource, SiteMap } from '../site.js';
import type { Coding } from './negotiate.js';

/** One coding of a resource, ready to write: the status line's code, flat header arrays and the body. */
export interface Variant {
  etag: string;
  status: number;
  headers: string[];
  /** Headers of a 304: validators and caching, no Content-Type, -Length or -Encoding. */
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
 * Each coding gets its own strong ETag ("<hash>", "<hash>-gzip", "<hash>-br"):
 * RFC 9110 §8.8.3.3 asks for distinct tags for differently encoded bytes, so
 * that caches and range requests never mix them.
 */
export function prepare(resource: Resource, cacheControl: string): Prepared {
  const common: string[] = ['Cache-Control', cacheControl, 'Vary', 'Accept-Encoding', 'X-Content-Type-Options', 'nosniff'];
  if (FEED_TYPE.test(resource.type)) {
    // Feeds are read cross-origin by browser readers; ETag is not a CORS-safelisted response header.
    common.push('Access-Control-Allow-Origin', '*', 'Access-Control-Expose-Headers', 'ETag');
  }
  if (resource.type.startsWith('text/html')) common.push('Content-Security-Policy', CSP, 'Referrer-Policy', 'strict-origin-when-cross-origin');
  const lastModified = resource.lastModified.toUTCString();
  const variant = (coding: Coding, body: Buffer): Variant => {
    const etag = coding === 'identity' ? resource.etag : `${resource.etag.slice(0, -1)}-${coding}"`;
    const validators = ['ETag', etag, 'Last-Modified', lastModified];
    return {
      etag,
      status: resource.status,
      headers: [
        'Content-Type',
        resource.type,
        'Content-Length',
        String(body.length),
        ...(coding === 'identity' ? [] : ['Content-Encoding', coding]),
        ...validators,
        ...common,
      ],
      notModifiedHeaders: [...validators, ...common],
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
