import { readFileSync } from 'node:fs';
import type { Catalog, Group, Site } from '../catalog/index.js';
import { itemUrl } from '../catalog/index.js';
import type { Item } from '../types.js';
import { escapeMarkup as x } from '../text/escape.js';
import { rfc3339 } from '../text/dates.js';
import { feedUrl } from './links.js';

/** The stylesheet is a file of its own: the Content-Security-Policy forbids inline styles and scripts. */
export const STYLESHEET = readFileSync(new URL('../../assets/style.css', import.meta.url), 'utf8');

interface PageParts {
  title: string;
  /** Feeds offered for autodiscovery, as a (title, base) pair; the main feed always comes first. */
  feeds: { title: string; base: string }[];
  canonical: string;
  body: string;
}

function page(site: Site, parts: PageParts): string {
  const discovery = parts.feeds.flatMap((feed) => [
    `<link rel="alternate" type="application/rss+xml" title="${x(feed.title)} (RSS)" href="${x(feedUrl(site, feed, 'rss'))}">`,
    `<link rel="alternate" type="application/atom+xml" title="${x(feed.title)} (Atom)" href="${x(feedUrl(site, feed, 'atom'))}">`,
    `<link rel="alternate" type="application/feed+json" title="${x(feed.title)} (JSON Feed)" href="${x(feedUrl(site, feed, 'json'))}">`,
  ]);
  return `<!doctype html>
<html lang="${x(site.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${x(parts.title)}</title>
<link rel="canonical" href="${x(parts.canonical)}">
${discovery.join('\n')}
<link rel="stylesheet" href="/style.css">
</head>
<body>
<header class="site"><h1><a href="/">${x(site.title)}</a></h1>
<nav class="feeds">Subscribe: <a href="/rss.xml">RSS</a> <a href="/atom.xml">Atom</a> <a href="/feed.json">JSON Feed</a></nav></header>
${parts.body}
<footer>Published with Wirefeed.</footer>
</body>
</html>
`;
}

// Dates are shown in UTC so the page is the same whatever the build machine's time zone.
const DAY = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });

function date(d: Date): string {
  return `<time datetime="${rfc3339(d)}">${DAY.format(d)}</time>`;
}

function tagList(item: Item): string {
  if (item.tags.length === 0) return '';
  return `<ul class="tags">${item.tags.map((t) => `<li>${x(t.name)}</li>`).join('')}</ul>`;
}

function summaryCard(site: Site, item: Item): string {
  return `<article class="summary">
<p class="meta"><span class="section">${x(item.section)}</span> · ${date(item.published)} · ${item.readingMinutes} min read</p>
<h2><a href="${x(itemUrl(site, item))}">${x(item.title)}</a></h2>
<p>${x(item.summary)}</p>
${tagList(item)}
</article>`;
}

function sectionNav(sections: readonly Group[]): string {
  if (sections.length === 0) return '';
  return `<nav class="sections">Sections: ${sections.map((s) => `<a href="/categories/${s.slug}/">${x(s.name)}</a>`).join(' ')}</nav>`;
}

/** The home page: the main feed's items with their summaries, sections and tags. */
export function renderIndex(catalog: Catalog): string {
  const { site, main } = catalog;
  return page(site, {
    title: site.title,
    feeds: [main],
    canonical: `${site.url}/`,
    body: `<main>
<p>${x(site.description)}</p>
${sectionNav(catalog.sections)}
${main.items.map((item) => summaryCard(site, item)).join('\n')}
</main>`,
  });
}

/** One item's page: the clean article. */
export function renderItemPage(catalog: Catalog, item: Item): string {
  const { site, main } = catalog;
  return page(site, {
    title: `${item.title} — ${site.title}`,
    feeds: [main],
    canonical: itemUrl(site, item),
    body: `<main>
<article class="item">
<p class="meta"><span class="section">${x(item.section)}</span> · ${date(item.published)} · ${item.readingMinutes} min read${item.author ? ` · ${x(item.author)}` : ''}</p>
<h1>${x(item.title)}</h1>
${item.contentHtml}
${tagList(item)}
</article>
</main>`,
  });
}
