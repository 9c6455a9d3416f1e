import type { Item } from '../types.js';
import { slugify } from '../text/slug.js';
import { itemPath } from '../urls.js';

/** Site-wide settings every feed and page needs. */
export interface Site {
  title: string;
  description: string;
  /** Absolute base URL without a trailing slash, e.g. "https://news.example.com". */
  url: string;
  language: string;
  author: { name: string; email?: string; url?: string };
}

/** One feed in all three formats: what it lists and where it lives. */
export interface FeedSpec {
  title: string;
  description: string;
  /** Path of the feed's folder on the site, "" for the main feed, "/categories/world" for a section. */
  base: string;
  items: Item[];
  /** Newest `updated` among the feed's items (or the site's newest when the feed is empty). */
  updated: Date;
}

export interface Group {
  name: string;
  slug: string;
  items: Item[];
}

export interface Catalog {
  site: Site;
  /** Every item, newest first. */
  items: Item[];
  main: FeedSpec;
  sections: Group[];
  tags: Group[];
  updated: Date;
}

export interface CatalogOptions {
  /** Items in each subscription feed; 0 means all. */
  limit: number;
}

/** Newest first; the id breaks ties so the order never depends on input order. */
export function compareItems(a: Item, b: Item): number {
  return b.published.getTime() - a.published.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function buildCatalog(site: Site, items: readonly Item[], options: CatalogOptions): Catalog {
  const sorted = spreadSharedDates(items).sort(compareItems);
  const updated = newest(sorted) ?? new Date(0);
  const main: FeedSpec = {
    title: site.title,
    description: site.description,
    base: '',
    items: take(sorted, options.limit),
    updated,
  };
  return {
    site,
    items: sorted,
    main,
    sections: group(sorted, (item) => [item.section]),
    tags: group(sorted, (item) => item.tags.map((t) => t.name)),
    updated,
  };
}

/**
 * Documents without a declared date often share one (one git commit, one
 * SOURCE_DATE_EPOCH). Entries with equal timestamps make readers order them
 * arbitrarily and draw the validator's DuplicateUpdated warning, so each
 * inferred date shared by several items is spaced one second earlier per item,
 * in path order. Declared dates are the author's and are never moved.
 */
function spreadSharedDates(items: readonly Item[]): Item[] {
  const byPath = [...items].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const taken = new Set<number>();
  return byPath.map((item) => {
    let time = item.published.getTime();
    if (item.dateSource === 'declared' || !taken.has(time)) {
      taken.add(time);
      return item;
    }
    while (taken.has(time)) time -= 1000;
    taken.add(time);
    const published = new Date(time);
    const updated = item.updated.getTime() === item.published.getTime() ? published : item.updated;
    return { ...item, published, updated };
  });
}

function take(items: Item[], limit: number): Item[] {
  return limit > 0 ? items.slice(0, limit) : items;
}

function newest(items: readonly Item[]): Date | undefined {
  let best: Date | undefined;
  for (const item of items) if (!best || item.updated > best) best = item.updated;
  return best;
}

/**
 * Groups items by name with slugs that are ASCII, stable and distinct: names
 * that slug alike get a numeric suffix in order of their names, so adding an
 * item never renames an existing group unless it introduces an earlier-sorting twin.
 */
function group(items: readonly Item[], namesOf: (item: Item) => string[]): Group[] {
  const byName = new Map<string, Item[]>();
  for (const item of items) {
    for (const name of namesOf(item)) {
      const list = byName.get(name) ?? [];
      list.push(item);
      byName.set(name, list);
    }
  }
  const names = [...byName.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const used = new Set<string>();
  return names.map((name) => {
    const base = slugify(name) || 'x';
    let slug = base;
    for (let n = 2; used.has(slug); n++) slug = `${base}-${n}`;
    used.add(slug);
    return { name, slug, items: byName.get(name) ?? [] };
  });
}

/** Absolute URL of an item's page. */
export function itemUrl(site: Site, item: Item): string {
  return site.url + itemPath(item.key);
}
