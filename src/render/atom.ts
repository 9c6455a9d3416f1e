import type { FeedSpec, Site } from '../catalog/index.js';
import { itemUrl } from '../catalog/index.js';
import type { Item } from '../types.js';
import { rfc3339 } from '../text/dates.js';
import { escapeMarkup as x } from '../text/escape.js';
import { feedLinks, feedUrl, homeUrl, imageType, sectionScheme, tagScheme } from './links.js';

/** Atom 1.0 (RFC 4287). Every entry carries its own author so entries stay valid when copied out of the feed. */
export function renderAtom(site: Site, spec: FeedSpec): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom"${spec.archived ? ' xmlns:fh="http://purl.org/syndication/history/1.0"' : ''} xml:lang="${x(site.language)}">`,
    `<title>${x(spec.title)}</title>`,
    `<subtitle>${x(spec.description)}</subtitle>`,
    `<id>${x(feedUrl(site, spec, 'atom'))}</id>`,
    `<link rel="alternate" type="text/html" href="${x(homeUrl(site, spec))}"/>`,
    ...feedLinks(site, spec, 'atom').map(([rel, href]) =>
      rel === 'hub' ? `<link rel="hub" href="${x(href)}"/>` : `<link rel="${rel}" type="application/atom+xml" href="${x(href)}"/>`,
    ),
    `<updated>${rfc3339(spec.updated)}</updated>`,
    renderAuthor(site.author.name, site.author),
    '<generator>Wirefeed</generator>',
    ...(site.icon ? [`<icon>${x(site.icon)}</icon>`] : []),
    ...(site.logo ? [`<logo>${x(site.logo)}</logo>`] : []),
    ...(spec.archived ? ['<fh:archive/>'] : []),
    ...spec.items.map((item) => renderEntry(site, item)),
    '</feed>',
  ];
  return `${lines.join('\n')}\n`;
}

function renderAuthor(name: string, details: { email?: string; url?: string } = {}): string {
  const parts = [`<name>${x(name)}</name>`];
  if (details.email) parts.push(`<email>${x(details.email)}</email>`);
  if (details.url) parts.push(`<uri>${x(details.url)}</uri>`);
  return `<author>${parts.join('')}</author>`;
}

function renderEntry(site: Site, item: Item): string {
  const categories = [
    `<category term="${x(item.section)}" scheme="${x(sectionScheme(site))}"/>`,
    ...item.tags.map((tag) => `<category term="${x(tag.name)}" scheme="${x(tagScheme(site))}"/>`),
  ];
  return [
    '<entry>',
    `<title type="text">${x(item.title)}</title>`,
    `<id>${x(item.id)}</id>`,
    `<link rel="alternate" type="text/html" href="${x(itemUrl(site, item))}"/>`,
    ...(item.image ? [`<link rel="enclosure"${imageType(item.image) ? ` type="${imageType(item.image)}"` : ''} href="${x(item.image)}"/>`] : []),
    `<published>${rfc3339(item.published)}</published>`,
    `<updated>${rfc3339(item.updated)}</updated>`,
    item.author ? renderAuthor(item.author) : renderAuthor(site.author.name, site.author),
    ...categories,
    // As HTML, like RSS description: a plain-text summary quoting markup or entities would look like undeclared HTML.
    `<summary type="html">${x(x(item.summary))}</summary>`,
    `<content type="html">${x(item.contentHtml)}</content>`,
    '</entry>',
  ].join('\n');
}
