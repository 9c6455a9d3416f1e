import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import type { Catalog, FeedSpec } from '../catalog/index.js';
import { renderAtom } from '../render/atom.js';
import { renderIndex, renderItemPage, STYLESHEET } from '../render/html.js';
import { renderJsonFeed } from '../render/jsonfeed.js';
import { CONTENT_TYPES, feedPath, type FeedFormat } from '../render/links.js';
import { renderRss } from '../render/rss.js';
import { itemPath } from '../urls.js';

/** One published file: what the server answers at `path` and the static export writes to `file`. */
export interface Resource {
  path: string;
  file: string;
  type: string;
  body: Buffer;
  /** The body compressed once, when the site is rendered; served and exported as-is. */
  gzip: Buffer;
  br: Buffer;
  /** Newest item date in the document, for Last-Modified. */
  lastModified: Date;
  /** Strong validator, computed once per body. */
  etag: string;
}

/** Everything the site publishes, by URL path. Server and static export both read this one map. */
export type SiteMap = ReadonlyMap<string, Resource>;

const RENDERERS: Record<FeedFormat, (site: Catalog['site'], spec: FeedSpec) => string> = {
  rss: renderRss,
  atom: renderAtom,
  json: renderJsonFeed,
};

export function renderSite(catalog: Catalog): SiteMap {
  const resources = new Map<string, Resource>();
  const add = (path: string, file: string, type: string, text: string, lastModified: Date): void => {
    const body = Buffer.from(text, 'utf8');
    resources.set(path, { path, file, type, body, ...compress(body), lastModified, etag: etagOf(body) });
  };
  for (const format of Object.keys(RENDERERS) as FeedFormat[]) {
    const path = feedPath(catalog.main, format);
    add(path, path.slice(1), CONTENT_TYPES[format], RENDERERS[format](catalog.site, catalog.main), catalog.main.updated);
  }
  add('/', 'index.html', CONTENT_TYPES.html, renderIndex(catalog), catalog.updated);
  add('/style.css', 'style.css', CONTENT_TYPES.css, STYLESHEET, new Date(0));
  for (const item of catalog.items) {
    // items/<key>.html is what static hosts serve for /items/<key> ("clean URLs").
    add(itemPath(item.key), `items/${item.key}.html`, CONTENT_TYPES.html, renderItemPage(catalog, item), item.updated);
  }
  return resources;
}

function compress(body: Buffer): { gzip: Buffer; br: Buffer } {
  return {
    gzip: gzipSync(body, { level: 9 }),
    br: brotliCompressSync(body, {
      params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length, [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT },
    }),
  };
}

function etagOf(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}
