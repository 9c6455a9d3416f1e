import type { Catalog } from '../catalog/index.js';
import { allGroups, itemUrl } from '../catalog/index.js';
import { rfc3339 } from '../text/dates.js';
import { escapeMarkup as x } from '../text/escape.js';

/** sitemaps.org sitemap of every HTML page: home, sections, tags and items, with their last change. */
export function renderSitemap(catalog: Catalog): string {
  const { site } = catalog;
  const url = (loc: string, lastmod: Date): string => `<url><loc>${x(loc)}</loc><lastmod>${rfc3339(lastmod)}</lastmod></url>`;
  const groups = allGroups(catalog).map((g) => url(site.url + g.feeds[0]!.page, g.feeds[0]!.updated));
  return `${[
    '<?xml version="1.0" encoding="utf-8"?>',
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ...groups,
    ...catalog.items.map((item) => url(itemUrl(site, item), item.updated)),
    '</urlset>',
  ].join('\n')}\n`;
}
