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
export function homeUrl(site: Site, spec: Pick<FeedSpec, 'page'>): string {
  return site.url + spec.page;
}

/**
 * The feed's own links besides the alternate page, as [rel, href] pairs:
 * self, the WebSub hub, and the RFC 5005 archive links. RSS writes them as
 * atom:link, Atom as link, JSON Feed uses self, hub and next_url.
 */
export function feedLinks(site: Site, spec: FeedSpec, format: FeedFormat): [rel: string, href: string][] {
  const links: [string, string][] = [['self', feedUrl(site, spec, format)]];
  if (site.hub) links.push(['hub', site.hub]);
  if (spec.links.current !== undefined) links.push(['current', feedUrl(site, { base: spec.links.current }, format)]);
  if (spec.links.prevArchive !== undefined) links.push(['prev-archive', feedUrl(site, { base: spec.links.prevArchive }, format)]);
  if (spec.links.nextArchive !== undefined) links.push(['next-archive', feedUrl(site, { base: spec.links.nextArchive }, format)]);
  return links;
}

const IMAGE_TYPES: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp', avif: 'image/avif', svg: 'image/svg+xml' };

/** Media type of an image URL from its extension, when it has a known one. */
export function imageType(url: string): string | undefined {
  const ext = url.split(/[?#]/)[0]?.match(/\.([a-z0-9]+)$/i)?.[1]?.toLowerCase();
  return ext ? IMAGE_TYPES[ext] : undefined;
}

/** Category schemes: the URL prefix under which a section or tag has its own feeds. */
export function sectionScheme(site: Site): string {
  return `${site.url}/categories/`;
}

export function tagScheme(site: Site): string {
  return `${site.url}/tags/`;
}
