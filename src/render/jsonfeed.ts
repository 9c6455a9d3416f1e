import type { FeedSpec, Site } from '../catalog/index.js';
import { itemUrl } from '../catalog/index.js';
import type { Item } from '../types.js';
import { rfc3339 } from '../text/dates.js';
import { feedUrl, homeUrl } from './links.js';

/** JSON Feed 1.1. The section is the first tag, the entity tags follow. */
export function renderJsonFeed(site: Site, spec: FeedSpec): string {
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: spec.title,
    home_page_url: homeUrl(site, spec),
    feed_url: feedUrl(site, spec, 'json'),
    description: spec.description,
    ...(site.icon ? { icon: site.icon, favicon: site.icon } : {}),
    // JSON Feed pages to older items with next_url; the archive pages are those older items.
    ...(spec.links.prevArchive !== undefined ? { next_url: feedUrl(site, { base: spec.links.prevArchive }, 'json') } : {}),
    ...(site.hub ? { hubs: [{ type: 'WebSub', url: site.hub }] } : {}),
    language: site.language,
    authors: [author(site.author)],
    items: spec.items.map((item) => renderItem(site, item)),
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
}

function author(a: { name: string; url?: string }): { name: string; url?: string } {
  return a.url ? { name: a.name, url: a.url } : { name: a.name };
}

function renderItem(site: Site, item: Item): Record<string, unknown> {
  return {
    id: item.id,
    url: itemUrl(site, item),
    title: item.title,
    content_html: item.contentHtml,
    content_text: item.contentText,
    summary: item.summary,
    ...(item.image ? { image: item.image } : {}),
    date_published: rfc3339(item.published),
    date_modified: rfc3339(item.updated),
    authors: [item.author ? { name: item.author } : author(site.author)],
    tags: [item.section, ...item.tags.map((t) => t.name)],
    language: item.language,
  };
}
