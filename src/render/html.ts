import { readFileSync } from 'node:fs';
import type { Catalog, FeedSpec, Group, Site } from '../catalog/index.js';
import { itemUrl } from '../catalog/index.js';
import type { Item } from '../types.js';
import { escapeMarkup as x } from '../text/escape.js';
import { rfc3339 } from '../text/dates.js';
import { feedPath, feedUrl } from './links.js';

/** The stylesheet is a file of its own: the Content-Security-Policy forbids inline styles and scripts. */
export const STYLESHEET = readFileSync(new URL('../../assets/style.css', import.meta.url), 'utf8');

interface PageParts {
  title: string;
  description: string;
  /** Feeds offered for autodiscovery; the page's own feed first. */
  feeds: FeedSpec[];
  canonical: string;
  type: 'website' | 'article';
  image?: string;
  body: string;
}

function page(site: Site, parts: PageParts): string {
  const discovery = parts.feeds.flatMap((feed) => [
    `<link rel="alternate" type="application/rss+xml" title="${x(feed.title)} (RSS)" href="${x(feedUrl(site, feed, 'rss'))}">`,
    `<link rel="alternate" type="application/atom+xml" title="${x(feed.title)} (Atom)" href="${x(feedUrl(site, feed, 'atom'))}">`,
    `<link rel="alternate" type="application/feed+json" title="${x(feed.title)} (JSON Feed)" href="${x(feedUrl(site, feed, 'json'))}">`,
  ]);
  const own = parts.feeds[0];
  const meta = [
    `<meta name="description" content="${x(parts.description)}">`,
    `<meta property="og:type" content="${parts.type}">`,
    `<meta property="og:title" content="${x(parts.title)}">`,
    `<meta property="og:description" content="${x(parts.description)}">`,
    `<meta property="og:url" content="${x(parts.canonical)}">`,
    `<meta property="og:site_name" content="${x(site.title)}">`,
    ...(parts.image ?? site.logo ? [`<meta property="og:image" content="${x((parts.image ?? site.logo)!)}">`] : []),
    ...(site.icon ? [`<link rel="icon" href="${x(site.icon)}">`] : []),
  ];
  return `<!doctype html>
<html lang="${x(site.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${x(parts.title)}</title>
<link rel="canonical" href="${x(parts.canonical)}">
${meta.join('\n')}
${discovery.join('\n')}
<link rel="stylesheet" href="/style.css">
</head>
<body>
<header class="site"><h1><a href="/">${x(site.title)}</a></h1>
${own ? feedNav(own) : ''}</header>
${parts.body}
<footer>Published with Wirefeed. <a href="/opml.xml">All feeds (OPML)</a></footer>
</body>
</html>
`;
}

function feedNav(feed: FeedSpec): string {
  return `<nav class="feeds">Subscribe: <a href="${x(feedPath(feed, 'rss'))}">RSS</a> <a href="${x(feedPath(feed, 'atom'))}">Atom</a> <a href="${x(feedPath(feed, 'json'))}">JSON Feed</a></nav>`;
}

// Dates are shown in UTC so the page is the same whatever the build machine's time zone.
// Made on first use: creating it loads locale data (about 15 ms), and a build that renders no page needs none.
let day: Intl.DateTimeFormat | undefined;

function date(d: Date): string {
  day ??= new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
  return `<time datetime="${rfc3339(d)}">${day.format(d)}</time>`;
}

/** Links from names to their group pages. */
export interface GroupLinks {
  section(name: string): string;
  tag(name: string): string;
}

const linksByCatalog = new WeakMap<Catalog, GroupLinks>();

/** Built once per catalog: a site has thousands of tags, and every item page needs a few of them. */
export function groupLinks(catalog: Catalog): GroupLinks {
  let links = linksByCatalog.get(catalog);
  if (!links) {
    const sections = new Map(catalog.sections.map((g) => [g.name, g.base]));
    const tags = new Map(catalog.tags.map((g) => [g.name, g.base]));
    links = {
      section: (name) => `${sections.get(name) ?? ''}/`,
      tag: (name) => `${tags.get(name) ?? ''}/`,
    };
    linksByCatalog.set(catalog, links);
  }
  return links;
}

function tagList(item: Item, links: GroupLinks): string {
  if (item.tags.length === 0) return '';
  return `<ul class="tags">${item.tags.map((t) => `<li><a href="${x(links.tag(t.name))}">${x(t.name)}</a></li>`).join('')}</ul>`;
}

function meta(item: Item, links: GroupLinks): string {
  return `<p class="meta"><a class="section" href="${x(links.section(item.section))}">${x(item.section)}</a> · ${date(item.published)} · ${item.readingMinutes} min read${
    item.author ? ` · ${x(item.author)}` : ''
  }</p>`;
}

function summaryCard(site: Site, item: Item, links: GroupLinks): string {
  return `<article class="summary">
${meta(item, links)}
<h2><a href="${x(itemUrl(site, item))}">${x(item.title)}</a></h2>
<p>${x(item.summary)}</p>
${tagList(item, links)}
</article>`;
}

/** Links to every section; the one being shown is marked for assistive technology and the eye. */
function sectionNav(sections: readonly Group[], current: Group): string {
  if (sections.length === 0) return '';
  return `<nav class="sections" aria-label="Sections">${sections.map((s) => `<a href="${x(s.base)}/"${s === current ? ' aria-current="page"' : ''}>${x(s.name)}</a>`).join(' ')}</nav>`;
}

/** The home page: the main feed's items with their summaries, sections and tags. */
export function renderIndex(catalog: Catalog): string {
  return renderGroupPage(catalog, catalog.home);
}

/** The page of a group (the home page, a section or a tag): its subscription feed's items. */
export function renderGroupPage(catalog: Catalog, group: Group): string {
  const { site } = catalog;
  const links = groupLinks(catalog);
  const feed = group.feeds[0]!;
  const isHome = group === catalog.home;
  return page(site, {
    title: isHome ? site.title : `${group.name} — ${site.title}`,
    description: isHome ? site.description : `${group.name}: latest items from ${site.title}`,
    feeds: isHome ? [feed] : [feed, catalog.main],
    canonical: site.url + feed.page,
    type: 'website',
    body: `<main>
${isHome ? `<p>${x(site.description)}</p>` : `<h2 class="group">${x(group.name)}</h2>`}
${sectionNav(catalog.sections, group)}
${feed.items.map((item) => summaryCard(site, item, links)).join('\n')}
</main>`,
  });
}

/** One item's page: the clean article. */
export function renderItemPage(catalog: Catalog, item: Item): string {
  const { site } = catalog;
  const links = groupLinks(catalog);
  return page(site, {
    title: `${item.title} — ${site.title}`,
    description: item.summary,
    feeds: [catalog.main],
    canonical: itemUrl(site, item),
    type: 'article',
    ...(item.image ? { image: item.image } : {}),
    body: `<main>
<article class="item">
${meta(item, links)}
<h1>${x(item.title)}</h1>
${item.contentHtml}
${tagList(item, links)}
</article>
</main>`,
  });
}

/** What a deleted item's address answers (with 410 Gone). */
export function renderGonePage(catalog: Catalog): string {
  const { site } = catalog;
  return page(site, {
    title: `Gone — ${site.title}`,
    description: 'This item was removed.',
    feeds: [catalog.main],
    canonical: `${site.url}/`,
    type: 'website',
    body: `<main>
<h2>This item was removed</h2>
<p>It is no longer published. <a href="/">Latest items</a></p>
</main>`,
  });
}
