import type { FeedSpec, Site } from '../catalog/index.js';

export const FEED_FILES = { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' } as const;
export type FeedFormat = keyof typeof FEED_FILES;

export const CONTENT_TYPES = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
} as const;

/** Site path of one format of a feed, e.g. "/categories/world/atom.xml". */
export function feedPath(spec: Pick<FeedSpec, 'base'>, format: FeedFormat): string {
  return `${spec.base}/${FEED_FILES[format]}`;
}

export function feedUrl(site: Site, spec: Pick<FeedSpec, 'base'>, format: FeedFormat): string {
  return site.url + feedPath(spec, format);
}

/** The HTML page a feed corresponds to: the home page for the main feed, the section's page otherwise. */
export function homeUrl(site: Site, spec: Pick<FeedSpec, 'base'>): string {
  return `${site.url}${spec.base}/`;
}

/** Category schemes: the URL prefix under which a section or tag has its own feeds. */
export function sectionScheme(site: Site): string {
  return `${site.url}/categories/`;
}

export function tagScheme(site: Site): string {
  return `${site.url}/tags/`;
}
