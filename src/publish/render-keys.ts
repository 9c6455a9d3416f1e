import { createHash } from 'node:crypto';
import { allGroups, type Catalog, type FeedSpec, type Group } from '../catalog/index.js';
import { groupLinks } from '../render/html.js';
import type { FeedFormat } from '../render/links.js';
import type { Item } from '../types.js';
import { sameElements } from '../same-elements.js';

/** Each item's version: a key that changes whenever anything the item is computed from changes (its item-cache key). */
export type ItemVersions = ReadonlyMap<Item, string>;

/**
 * The render key of one file, made from the parts of everything it is
 * rendered from; `kind` and `id` name the file (a feed's folder, an item's
 * key) for RenderKeyMemo.
 */
export type KeyOf = (kind: string, id: string, parts: readonly string[]) => string;

/** sha1 of the parts joined: a key, not a defence against collisions made on purpose. */
export const hashParts = (parts: readonly string[]): string => createHash('sha1').update(parts.join('\u0000')).digest('base64url');

interface Memo {
  parts: readonly string[];
  key: string;
  /** The last build that asked for it. */
  build: number;
}

/**
 * Render keys kept from one build to the next by a long-lived process (the
 * server in watch mode). A file whose parts are the same strings as in the
 * last build keeps its key without hashing them again: after one edit, a
 * handful of the 16k files of a 10k site have new parts, and hashing them
 * all (2.6 MB of versions and links) was about 40 of the 100 ms the keys
 * took. The keys are those hashParts gives, so they still match the ones
 * the static export stores.
 */
export class RenderKeyMemo {
  // By kind, then by an id the catalog already holds as a string (no key string is made per file).
  private readonly kinds = new Map<string, Map<string, Memo>>();
  private build = 0;
  // Keys by the object they are made from (a feed, a group, an item), with the rest of their inputs
  // as one string. The catalog keeps an unchanged group's objects (CatalogMemo), and an item object's
  // version never changes, so an unchanged file is known by identity, without reading its items.
  private byObject = new WeakMap<object, { context: string; key: string }>();
  // The version each item had, to check that it did not change: if one did, no key is taken by identity.
  private versions = new WeakMap<Item, string>();

  readonly keyOf: KeyOf = (kind, id, parts) => {
    let memos = this.kinds.get(kind);
    if (!memos) this.kinds.set(kind, (memos = new Map()));
    const memo = memos.get(id);
    if (memo && sameElements(memo.parts, parts)) {
      memo.build = this.build;
      return memo.key;
    }
    const key = hashParts(parts);
    // Callers may fill one array for every key (listParts): the memo keeps its own copy.
    memos.set(id, { parts: parts.slice(), key, build: this.build });
    return key;
  };

  /**
   * The key of the file made from `object`, and from `context` besides: the
   * key of the last build if both are the same, else `make()`. Only for
   * objects whose items are all checked by `sameVersions` in this build.
   */
  ofObject(object: object, context: string, make: () => string): string {
    const known = this.byObject.get(object);
    if (known && known.context === context) return known.key;
    const key = make();
    this.byObject.set(object, { context, key });
    return key;
  }

  /**
   * Checks that every item keeps the version it had in the last build (new
   * items are recorded); if one does not, keys by object are all forgotten.
   * An item is a value: the same object with another version would mean a
   * cache gave one object for two keys, which none does, but a stale key
   * would serve a stale file, and checking costs 1 ms at 10k items.
   */
  sameVersions(items: readonly Item[], versions: ItemVersions): void {
    let same = true;
    for (const item of items) {
      const version = versions.get(item);
      const known = this.versions.get(item);
      if (known === version) continue;
      if (known !== undefined) same = false;
      if (version !== undefined) this.versions.set(item, version);
    }
    if (!same) this.byObject = new WeakMap();
  }

  /** Ends a build: the files it did not ask for (gone from the site) are forgotten. */
  settle(): void {
    for (const memos of this.kinds.values()) for (const [id, memo] of memos) if (memo.build !== this.build) memos.delete(id);
    this.build++;
  }
}

/**
 * The inputs of each memoized file, hashed. A feed is rendered from the site
 * settings and its spec alone (the renderers' signature); an HTML page also
 * reads the page shell (site, main feed, section navigation) and the links
 * of its items' section and tags. Items count by version, so an edited item
 * changes the key of every file that shows it. The OPML list and the
 * sitemap are keyed by what they read of the catalog; the stylesheet and the
 * gone pages are always rendered (they cost nothing to render).
 */
export function renderInputs(catalog: Catalog, versions: ItemVersions, memo?: RenderKeyMemo) {
  const keyOf: KeyOf = memo?.keyOf ?? ((_kind, _id, parts) => hashParts(parts));
  memo?.sameVersions(catalog.items, versions);
  const byObject = (object: object, context: string, make: () => string): string => (memo ? memo.ofObject(object, context, make) : make());
  // The parts every key shares are hashed once, and the keys hash their digests.
  const site = hashParts([sortedJson(catalog.site)]);
  const { main } = catalog;
  const shell = hashParts([site, main.title, main.description, main.base, main.page, JSON.stringify(catalog.sections.map((s) => [s.name, s.base]))]);
  const links = groupLinks(catalog);
  const groups = allGroups(catalog);
  const version = (item: Item): string => versions.get(item) ?? missingVersion(item);
  // Each item shows on several pages (home, its section, every tag), so its part of their keys is made once.
  // \u0001 appears in no version or link (URL paths of slugs), so the joined parts cannot run into each other.
  const linked = once((item: Item) => [version(item), links.section(item.section), ...item.tags.map((tag) => links.tag(tag.name))].join('\u0001'));
  // The parts of the keys that list items (100k mentions at 10k items), in one array reused for
  // every key: copying them into an array per key was most of what a memo hit still cost.
  const scratch: string[] = [];
  const listParts = (head: readonly string[], items: readonly Item[], part: (item: Item) => string): readonly string[] => {
    scratch.length = 0;
    for (const each of head) scratch.push(each);
    for (const item of items) scratch.push(part(item));
    return scratch;
  };
  const specOf = (spec: FeedSpec): string => JSON.stringify([spec.title, spec.description, spec.base, spec.page, spec.updated, spec.archived, spec.links]);
  // A feed's three formats are rendered from the same spec: its key is made once and told apart by format.
  const specKey = once((spec: FeedSpec) => byObject(spec, site, () => keyOf('feed', spec.base, listParts(['feed', site, specOf(spec)], spec.items, version))));
  // Pages read the links of sections and tags: the same objects make the same page only with the same links.
  const pageContext = hashParts([shell, ...allGroupLinks(catalog)]);
  return {
    feed: (format: FeedFormat, spec: FeedSpec): string => `${format}.${specKey(spec)}`,
    groupPage: (group: Group): string =>
      byObject(group, `${pageContext} ${group === catalog.home}`, () =>
        keyOf('group', group.base, listParts(['group', shell, String(group === catalog.home), group.name, specOf(group.feeds[0]!)], group.feeds[0]!.items, linked)),
      ),
    itemPage: (item: Item): string => byObject(item, pageContext, () => keyOf('item', item.key, ['item', shell, linked(item)])),
    // What renderOpml reads: the site, the catalog's date and each group's subscription feed.
    opml: (): string =>
      keyOf('opml', '', ['opml', site, String(catalog.updated.getTime()), ...groups.map((group) => JSON.stringify([group.feeds[0]!.title, group.feeds[0]!.base, group.feeds[0]!.page]))]),
    // What renderSitemap reads: each group page and item page, with its date.
    sitemap: (): string =>
      keyOf('sitemap', '', listParts(['sitemap', site, ...groups.map((group) => `${group.feeds[0]!.page} ${group.feeds[0]!.updated.getTime()}`)], catalog.items, sitemapLine)),
  };
}

// An item is a value: its line is made once, not once per build of a long-lived process.
const sitemapLines = new WeakMap<Item, string>();

/** What the sitemap reads of an item. */
function sitemapLine(item: Item): string {
  let line = sitemapLines.get(item);
  if (line === undefined) sitemapLines.set(item, (line = `${item.key} ${item.updated.getTime()}`));
  return line;
}

/** Each section's and tag's name and folder: what groupLinks answers. */
function allGroupLinks(catalog: Catalog): string[] {
  const parts: string[] = [];
  for (const group of catalog.sections) parts.push('s', group.name, group.base);
  for (const group of catalog.tags) parts.push('t', group.name, group.base);
  return parts;
}

/**
 * JSON with every object's keys in order: the same settings give the same
 * key whichever way they were put together (a flag's value, a config
 * file's), so a server finds the files a build stored.
 */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, each: unknown) =>
    each && typeof each === 'object' && !Array.isArray(each) ? Object.fromEntries(Object.entries(each).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : each,
  );
}

/** `make`, computed once per argument. */
function once<K, V>(make: (key: K) => V): (key: K) => V {
  const made = new Map<K, V>();
  return (key) => {
    if (!made.has(key)) made.set(key, make(key));
    return made.get(key) as V;
  };
}

function missingVersion(item: Item): never {
  throw new Error(`no version for item "${item.key}": every item of a memoized site needs one`);
}
