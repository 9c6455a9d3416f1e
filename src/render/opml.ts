import type { Catalog, Group } from '../catalog/index.js';
import { rfc822 } from '../text/dates.js';
import { escapeMarkup as x } from '../text/escape.js';
import { feedUrl, homeUrl } from './links.js';

/**
 * OPML 2.0 subscription list of every feed (site, sections, tags), so a reader
 * can subscribe to all of them at once. RSS is listed: every reader takes it.
 */
export function renderOpml(catalog: Catalog): string {
  const { site } = catalog;
  const outline = (group: Group): string => {
    const feed = group.feeds[0]!;
    return `<outline type="rss" text="${x(feed.title)}" title="${x(feed.title)}" xmlUrl="${x(feedUrl(site, feed, 'rss'))}" htmlUrl="${x(homeUrl(site, feed))}"/>`;
  };
  const folder = (title: string, groups: readonly Group[]): string[] =>
    groups.length === 0 ? [] : [`<outline text="${x(title)}">`, ...groups.map(outline), '</outline>'];
  return `${[
    '<?xml version="1.0" encoding="utf-8"?>',
    '<opml version="2.0">',
    '<head>',
    `<title>${x(site.title)}</title>`,
    `<dateModified>${rfc822(catalog.updated)}</dateModified>`,
    `<ownerName>${x(site.author.name)}</ownerName>`,
    '</head>',
    '<body>',
    outline(catalog.home),
    ...folder('Sections', catalog.sections),
    ...folder('Tags', catalog.tags),
    '</body>',
    '</opml>',
  ].join('\n')}\n`;
}
