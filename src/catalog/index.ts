import type { Item } from '../types.js';
import { slugify } from '../text/slug.js';
import { itemPath } from '../urls.js';
import { sameElements } from '../same-elements.js';

/** Site-wide settings every feed and page needs. */
export interface Site {
  title: string;
  description: string;
  /** Absolute base URL without a trailing slash, e.g. "https://news.example.com". */
  url: string;
  language: string;
  author: { name: string; email?: string; url?: string };
  /** Square icon (favicon-like) and wider logo, absolute URLs. */
  icon?: string;
  logo?: string;
  /** WebSub hub every feed advertises. */
  hub?: string;
}

/** Links between the pages of one feed's archive (RFC 5005 §4), as feed folder paths. */
export interface ArchiveLinks {
  /** The subscription feed, from an archive page. */
  current?: string;
  /** The next older archive page. */
  prevArchive?: string;
  /** The next newer archive page. */
  nextArchive?: string;
}

/** One feed in all three formats: what it lists and where it lives. */
export interface FeedSpec {
  title: string;
  description: string;
  /** Path of the feed's folder on the site: "" for the main feed, "/categories/world", "/tags/geneva/archive/2". */
  base: string;
  /** The HTML page this feed corresponds to ("/" for the main feed). */
  page: string;
  items: Item[];
  /** Newest `updated` among the feed's items (or the site's newest when the feed is empty). */
  updated: Date;
  /** True for an archive page: its content never changes once complete. */
  archived: boolean;
  links: ArchiveLinks;
}

/** A set of items with its own feeds: the whole site, a section or a tag. */
export interface Group {
  name: string;
  slug: string;
  /** Newest first. */
  items: Item[];
  /** Folder of its feeds and page: "", "/categories/<slug>", "/tags/<slug>". */
  base: string;
  /** The subscription feed, then the archive pages from oldest to newest. */
  feeds: FeedSpec[];
}

export interface Catalog {
  site: Site;
  /** Every item, newest first. */
  items: Item[];
  /** The site-wide group; `main` is its subscription feed. */
  home: Group;
  main: FeedSpec;
  sections: Group[];
  tags: Group[];
  /** Keys of items that were published once and are gone now (their pages answer 410). */
  gone: string[];
  updated: Date;
}

export interface CatalogOptions {
  /** Items in each subscription feed and each archive page; 0 means all items in one feed, no archive. */
  limit: number;
  /** Keys of deleted documents. */
  gone?: readonly string[];
  /** A long-lived process's memo of its last catalog (see CatalogMemo). */
  memo?: CatalogMemo;
}

/**
 * What a long-lived process (watch mode) keeps of its last catalog, so that
 * later stages can tell an unchanged group by identity: a group whose items
 * are the same objects, in the same order, as in the last build is taken as
 * it was, feeds and all, and an item whose dates move as they did last time
 * keeps the same copy. After one edit of a 10k site, most of its thousands
 * of groups are unchanged, and comparing their render keys item by item was
 * most of what a rebuild spent on them.
 */
export class CatalogMemo {
  /** The last catalog's groups by base, and the settings they were made with. */
  groups = new Map<string, Group>();
  made?: MadeWith;
  /** Each moved item's last copy (see spreadSharedDates), by the item it copies. */
  readonly copies = new WeakMap<Item, Item>();
}

/** Newest first; the id breaks ties so the order never depends on input order. */
export function compareItems(a: Item, b: Item): number {
  return b.published.getTime() - a.published.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function buildCatalog(site: Site, items: readonly Item[], options: CatalogOptions): Catalog {
  const { memo } = options;
  const sorted = spreadSharedDates(items, memo?.copies).sort(compareItems);
  const updated = newest(sorted) ?? new Date(0);
  const made: MadeWith = { limit: options.limit, title: site.title, description: site.description };
  const last = memo?.made && sameFields(memo.made, made) ? memo.groups : undefined;
  const group = (name: string, slug: string, base: string, members: Item[], title: string): Group => {
    // The site's date only dates an empty feed, and only the home group is ever empty, with no date but the epoch.
    const kept = last?.get(base);
    if (kept && kept.name === name && sameElements(kept.items, members)) return kept;
    return { name, slug, items: members, base, feeds: feedsOf(title, site.description, base, members, options.limit, updated) };
  };
  const home = group(site.title, '', '', sorted, site.title);
  const gone = [...new Set(options.gone ?? [])];
  const present = gone.length > 0 ? new Set(sorted.map((item) => item.key)) : undefined;
  const catalog: Catalog = {
    site,
    items: sorted,
    home,
    main: home.feeds[0]!,
    sections: groupBy(sorted, (item, add) => add(item.section)).map(([name, slug, members]) =>
      group(name, slug, `/categories/${slug}`, members, `${site.title}: ${name}`),
    ),
    tags: groupBy(sorted, (item, add) => {
      for (const tag of item.tags) add(tag.name);
    }).map(([name, slug, members]) => group(name, slug, `/tags/${slug}`, members, `${site.title}: ${name}`)),
    gone: gone.filter((key) => !present?.has(key)).sort(),
    updated,
  };
  if (memo) {
    memo.groups = new Map(allGroups(catalog).map((each) => [each.base, each]));
    memo.made = made;
  }
  return catalog;
}

/** The settings a group's feeds are made with, besides its items. */
interface MadeWith {
  limit: number;
  title: string;
  description: string;
}

function sameFields(a: MadeWith, b: MadeWith): boolean {
  return a.limit === b.limit && a.title === b.title && a.description === b.description;
}

/**
 * The subscription feed and the archive pages of one group. Archive pages are
 * counted from the oldest item (page k holds items (k-1)N+1 … kN in date
 * order), so a complete page never changes when newer items arrive. Only
 * complete pages are archived; the subscription feed always shows the newest
 * N items, which covers the incomplete rest, so an aggregator that follows
 * prev-archive from the subscription feed recovers every item.
 */
function feedsOf(title: string, description: string, base: string, newestFirst: Item[], limit: number, siteUpdated: Date): FeedSpec[] {
  const page = `${base}/`;
  const pages = limit > 0 ? Math.floor(newestFirst.length / limit) : 0;
  // A group that fits in one feed needs no archive.
  const archiveCount = limit > 0 && newestFirst.length > limit ? pages : 0;
  const archiveBase = (n: number): string => `${base}/archive/${n}`;
  const current: FeedSpec = {
    title,
    description,
    base,
    page,
    items: limit > 0 ? newestFirst.slice(0, limit) : newestFirst,
    updated: newest(newestFirst) ?? siteUpdated,
    archived: false,
    links: archiveCount > 0 ? { prevArchive: archiveBase(archiveCount) } : {},
  };
  const oldestFirst = [...newestFirst].reverse();
  const archives: FeedSpec[] = [];
  for (let n = 1; n <= archiveCount; n++) {
    const items = oldestFirst.slice((n - 1) * limit, n * limit).reverse();
    archives.push({
      title: `${title} (archive ${n})`,
      description,
      base: archiveBase(n),
      page,
      items,
      updated: newest(items) ?? siteUpdated,
      archived: true,
      links: {
        current: base,
        ...(n > 1 ? { prevArchive: archiveBase(n - 1) } : {}),
        ...(n < archiveCount ? { nextArchive: archiveBase(n + 1) } : {}),
      },
    });
  }
  return [current, ...archives];
}

/**
 * Documents without a declared date often share one (one git commit, one
 * SOURCE_DATE_EPOCH). Entries with equal timestamps make readers order them
 * arbitrarily and draw the validator's DuplicateUpdated warning, so each
 * inferred date shared by several items is spaced one second earlier per item,
 * in path order. Declared dates are the author's and are never moved.
 */
function spreadSharedDates(items: readonly Item[], copies?: WeakMap<Item, Item>): Item[] {
  // The usual case, every date distinct: nothing moves, and the path order does not matter.
  if (new Set(items.map((item) => item.published.getTime())).size === items.length) return [...items];
  const byPath = [...items].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const taken = new Set<number>();
  // For a taken time, a time at or below it from which to look further down: every second between
  // is taken. Without it, n items sharing one date (a git checkout's mtimes) took n²/2 steps:
  // at 8,000 such seeds of 10k, about half a second of each watch rebuild.
  const below = new Map<number, number>();
  const free = (time: number): number => {
    const passed: number[] = [];
    let t = time;
    while (taken.has(t)) {
      passed.push(t);
      t = below.get(t) ?? t - 1000;
    }
    for (const each of passed) below.set(each, t);
    return t;
  };
  return byPath.map((item) => {
    const declared = item.published.getTime();
    const time = item.dateSource === 'declared' ? declared : free(declared);
    taken.add(time);
    if (time === declared) return item;
    const updatedTime = item.updated.getTime() === declared ? time : item.updated.getTime();
    const kept = copies?.get(item);
    if (kept && kept.published.getTime() === time && kept.updated.getTime() === updatedTime) return kept;
    const published = new Date(time);
    const copy = redated(item, published, updatedTime === time ? published : item.updated);
    copies?.set(item, copy);
    return copy;
  });
}

/**
 * A copy of `item` with other dates. It keeps the item's prototype and
 * accessors rather than reading them: an item from the build cache reads its
 * body from disk on first use, which a spread would force. Plain fields are
 * assigned, not defined: a copy made from all its descriptors is a slow
 * dictionary-mode object, and 8,000 of them took 90 ms against 13 ms.
 */
function redated(item: Item, published: Date, updated: Date): Item {
  const prototype = Object.getPrototypeOf(item) as object | null;
  const copy = Object.create(prototype) as Record<PropertyKey, unknown>;
  for (const key of Reflect.ownKeys(item)) {
    const field = Object.getOwnPropertyDescriptor(item, key)!;
    // Assigning would run a setter of the prototype's, or fail on its getter: those are defined.
    if (field.enumerable && field.writable && !(prototype !== null && key in prototype)) copy[key] = field.value;
    else Object.defineProperty(copy, key, field);
  }
  return Object.assign(copy, { published, updated }) as unknown as Item;
}

function newest(items: readonly Item[]): Date | undefined {
  let best: Date | undefined;
  // Compared as numbers: `>` on Dates converts both through valueOf, which took 46 of the catalog's 102 ms at 10k items.
  for (const item of items) if (!best || item.updated.getTime() > best.getTime()) best = item.updated;
  return best;
}

/**
 * Groups items by name with slugs that are ASCII, stable and distinct: names
 * that slug alike get a numeric suffix in order of their names, so adding an
 * item never renames an existing group unless it introduces an earlier-sorting twin.
 */
function groupBy(items: readonly Item[], namesOf: (item: Item, add: (name: string) => void) => void): [name: string, slug: string, items: Item[]][] {
  const byName = new Map<string, Item[]>();
  for (const item of items) {
    namesOf(item, (name) => {
      const list = byName.get(name);
      if (list) list.push(item);
      else byName.set(name, [item]);
    });
  }
  const names = [...byName.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const used = new Set<string>();
  return names.map((name) => {
    const base = slugify(name) || 'x';
    let slug = base;
    for (let n = 2; used.has(slug); n++) slug = `${base}-${n}`;
    used.add(slug);
    return [name, slug, byName.get(name) ?? []];
  });
}

/** Every group of the catalog, in the site's order: home, sections, tags. */
export function allGroups(catalog: Catalog): Group[] {
  return [catalog.home, ...catalog.sections, ...catalog.tags];
}

/** Absolute URL of an item's page. */
export function itemUrl(site: Site, item: Item): string {
  return site.url + itemPath(item.key);
}
