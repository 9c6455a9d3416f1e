import type { FeedSpec, Site } from '../catalog/index.js';
import { itemUrl } from '../catalog/index.js';
import type { Item } from '../types.js';
import { rfc822 } from '../text/dates.js';
import { escapeMarkup } from '../text/escape.js';
import { feedLinks, homeUrl, imageType, sectionScheme, tagScheme } from './links.js';

/**
 * Plain text in RSS: the RSS Best Practices Profile (and the W3C validator's
 * CharacterData warning) asks for hexadecimal references for "&" and "<".
 */
function x(text: string): string {
  return escapeMarkup(text).replace(/&amp;/g, '&#x26;').replace(/&lt;/g, '&#x3C;');
}

/** HTML in RSS (description, content:encoded): the markup escaped once for XML. */
function html(markup: string): string {
  return escapeMarkup(markup);
}

/**
 * RSS 2.0 with the content, Dublin Core and Atom extensions. Text is escaped,
 * never wrapped in CDATA, and lastBuildDate is the newest item's date, so
 * the same items always give the same bytes.
 */
export function renderRss(site: Site, spec: FeedSpec): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"${
      spec.archived ? ' xmlns:fh="http://purl.org/syndication/history/1.0"' : ''
    }${spec.items.some((item) => item.image) ? ' xmlns:media="http://search.yahoo.com/mrss/"' : ''}>`,
    '<channel>',
    `<title>${x(spec.title)}</title>`,
    `<link>${x(homeUrl(site, spec))}</link>`,
    `<description>${x(spec.description)}</description>`,
    `<language>${x(site.language)}</language>`,
    `<lastBuildDate>${rfc822(spec.updated)}</lastBuildDate>`,
    '<generator>Wirefeed</generator>',
    '<docs>https://www.rssboard.org/rss-specification</docs>',
    ...(site.logo ? [`<image><url>${x(site.logo)}</url><title>${x(spec.title)}</title><link>${x(homeUrl(site, spec))}</link></image>`] : []),
    ...feedLinks(site, spec, 'rss').map(([rel, href]) =>
      rel === 'self' || rel === 'current' || rel.endsWith('archive')
        ? `<atom:link href="${x(href)}" rel="${rel}" type="application/rss+xml"/>`
        : `<atom:link href="${x(href)}" rel="${rel}"/>`,
    ),
    // RFC 5005 §4: an archive page says so, so aggregators know it will not change.
    ...(spec.archived ? ['<fh:archive/>'] : []),
    ...spec.items.map((item) => renderItem(site, item)),
    '</channel>',
    '</rss>',
  ];
  return `${lines.join('\n')}\n`;
}

function renderItem(site: Site, item: Item): string {
  const categories = [
    `<category domain="${x(sectionScheme(site))}">${x(item.section)}</category>`,
    ...item.tags.map((tag) => `<category domain="${x(tagScheme(site))}">${x(tag.name)}</category>`),
  ];
  return [
    '<item>',
    `<title>${x(item.title)}</title>`,
    `<link>${x(itemUrl(site, item))}</link>`,
    // The id is a URN, not the item's address, so readers must not treat it as a link.
    `<guid isPermaLink="false">${x(item.id)}</guid>`,
    `<pubDate>${rfc822(item.published)}</pubDate>`,
    // RSS <author> must be an e-mail address; a name goes in dc:creator.
    `<dc:creator>${x(item.author ?? site.author.name)}</dc:creator>`,
    ...categories,
    // description is HTML to readers, so the plain-text summary is escaped as HTML first.
    `<description>${html(escapeMarkup(item.summary))}</description>`,
    ...(item.image ? [`<media:content url="${x(item.image)}" medium="image"${typeAttr(item.image)}/>`] : []),
    `<content:encoded>${html(item.contentHtml)}</content:encoded>`,
    '</item>',
  ].join('\n');
}

function typeAttr(url: string): string {
  const type = imageType(url);
  return type ? ` type="${type}"` : '';
}
