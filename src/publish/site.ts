import { createHash } from 'node:crypto';
import { allGroups, type Catalog, type FeedSpec, type Group } from '../catalog/index.js';
import { renderAtom } from '../render/atom.js';
import { groupLinks, renderGonePage, renderGroupPage, renderItemPage, STYLESHEET } from '../render/html.js';
import { renderJsonFeed } from '../render/jsonfeed.js';
import { CONTENT_TYPES, feedPath, type FeedFormat } from '../render/links.js';
import { renderOpml } from '../render/opml.js';
import { renderRss } from '../render/rss.js';
import { renderSitemap } from '../render/sitemap.js';
import type { Item } from '../types.js';
import { itemPath } from '../urls.js';
import { mapLimit } from '../concurrency.js';
import { compressBody, type Compress, type Compressed } from './compression.js';

/** One published file: what the server answers at `path` and the static export writes to `file`. */
export interface Resource {
  path: string;
  file: string;
  /** 200, or 410 for the page of a deleted item (not written by the static export). */
  status: 200 | 410;
  type: string;
  body: Buffer;
  /** The body compressed once, when the site is rendered; served as-is. */
  gzip: Buffer;
  br: Buffer;
  /** Newest item date in the document, for Last-Modified. */
  lastModified: Date;
  /** Strong validator, computed once per body. */
  etag: string;
  /** A hash of everything the body is rendered from, when known (see planSite): equal inputs give equal bytes. */
  inputs?: string;
  /** Subscription feeds only: the feed with the group's newest `limit` items, rendered on demand (the server's `?limit=N`). */
  limited?: (limit: number) => Resource;
}

/** Everything the site publishes, by URL path. Server and static export both read this one map. */
export type SiteMap = ReadonlyMap<string, Resource>;

const RENDERERS: Record<FeedFormat, (site: Catalog['site'], spec: FeedSpec) => string> = {
  rss: renderRss,
  atom: renderAtom,
  json: renderJsonFeed,
};

export const OPML_TYPE = 'text/x-opml; charset=utf-8';
export const XML_TYPE = 'application/xml; charset=utf-8';

/**
 * One file of the site before its text is rendered: what `renderSite` keeps
 * rendered in memory for the server, and what the static export renders,
 * writes and drops one at a time.
 */
export interface PlannedResource {
  path: string;
  file: string;
  status: 200 | 410;
  type: string;
  lastModified: Date;
  render: () => string;
  /** A hash of everything `render` reads, so an unchanged file is not rendered again; absent for files always rendered. */
  inputs?: string;
  limited?: (limit: number) => Resource;
}

/** Each item's version: a key that changes whenever anything the item is computed from changes (its item-cache key). */
export type ItemVersions = ReadonlyMap<Item, string>;

/**
 * Every file the site publishes, in a stable order, without rendering any of
 * them. With `versions`, each feed and page carries the hash of its inputs.
 */
export function planSite(catalog: Catalog, versions?: ItemVersions): PlannedResource[] {
  const plans: PlannedResource[] = [];
  const keys = versions ? renderInputs(catalog, versions) : undefined;
  const add = (path: string, file: string, type: string, render: () => string, lastModified: Date, inputs?: string, status: 200 | 410 = 200): PlannedResource => {
    const plan: PlannedResource = { path, file, status, type, lastModified, render, ...(inputs ? { inputs } : {}) };
    plans.push(plan);
    return plan;
  };
  const addGroup = (group: Group): void => {
    for (const spec of group.feeds) {
      for (const format of Object.keys(RENDERERS) as FeedFormat[]) {
        const path = feedPath(spec, format);
        const plan = add(path, path.slice(1), CONTENT_TYPES[format], () => RENDERERS[format](catalog.site, spec), spec.updated, keys?.feed(format, spec));
        if (spec === group.feeds[0]) {
          plan.limited = (limit) => {
            const items = group.items.slice(0, limit);
            const updated = new Date(Math.max(0, ...items.map((item) => item.updated.getTime())));
            return renderResource({ path, file: path.slice(1), status: 200, type: CONTENT_TYPES[format], lastModified: updated, render: () => RENDERERS[format](catalog.site, { ...spec, items, updated }) });
          };
        }
      }
    }
    const page = group.feeds[0]!.page;
    add(page, `${page.slice(1)}index.html`, CONTENT_TYPES.html, () => renderGroupPage(catalog, group), group.feeds[0]!.updated, keys?.groupPage(group));
  };
  for (const group of allGroups(catalog)) addGroup(group);
  add('/style.css', 'style.css', CONTENT_TYPES.css, () => STYLESHEET, new Date(0));
  add('/opml.xml', 'opml.xml', OPML_TYPE, () => renderOpml(catalog), catalog.updated, keys?.opml());
  add('/sitemap.xml', 'sitemap.xml', XML_TYPE, () => renderSitemap(catalog), catalog.updated, keys?.sitemap());
  for (const item of catalog.items) {
    // items/<key>.html is what static hosts serve for /items/<key> ("clean URLs").
    add(itemPath(item.key), `items/${item.key}.html`, CONTENT_TYPES.html, () => renderItemPage(catalog, item), item.updated, keys?.itemPage(item));
  }
  if (catalog.gone.length > 0) {
    // One page for every deleted item: rendered once, however many there are.
    let gone: string | undefined;
    for (const key of catalog.gone) add(itemPath(key), `items/${key}.html`, CONTENT_TYPES.html, () => (gone ??= renderGonePage(catalog)), catalog.updated, undefined, 410);
  }
  return plans;
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
function renderInputs(catalog: Catalog, versions: ItemVersions) {
  // sha1 of the parts joined: a key, not a defence against collisions made on purpose, and thousands are computed per build.
  const hash = (parts: unknown[]): string => createHash('sha1').update(parts.join('\u0000')).digest('base64url');
  // The parts every key shares are hashed once, and the keys hash their digests.
  const site = hash([JSON.stringify(catalog.site)]);
  const { main } = catalog;
  const shell = hash([site, main.title, main.description, main.base, main.page, JSON.stringify(catalog.sections.map((s) => [s.name, s.base]))]);
  const links = groupLinks(catalog);
  const groups = allGroups(catalog);
  const version = (item: Item): string => versions.get(item) ?? missingVersion(item);
  // Each item shows on several pages (home, its section, every tag), so its part of their keys is made once.
  const linked = once((item: Item) => JSON.stringify([version(item), links.section(item.section), ...item.tags.map((tag) => links.tag(tag.name))]));
  const specOf = (spec: FeedSpec): string => JSON.stringify([spec.title, spec.description, spec.base, spec.page, spec.updated, spec.archived, spec.links]);
  // A feed's three formats are rendered from the same spec: its key is made once and told apart by format.
  const specKey = once((spec: FeedSpec) => hash(['feed', site, specOf(spec), ...spec.items.map(version)]));
  return {
    feed: (format: FeedFormat, spec: FeedSpec): string => `${format}.${specKey(spec)}`,
    groupPage: (group: Group): string => hash(['group', shell, group === catalog.home, group.name, specOf(group.feeds[0]!), ...group.feeds[0]!.items.map(linked)]),
    itemPage: (item: Item): string => hash(['item', shell, linked(item)]),
    // What renderOpml reads: the site, the catalog's date and each group's subscription feed.
    opml: (): string => hash(['opml', site, catalog.updated.getTime(), ...groups.map((group) => JSON.stringify([group.feeds[0]!.title, group.feeds[0]!.base, group.feeds[0]!.page]))]),
    // What renderSitemap reads: each group page and item page, with its date.
    sitemap: (): string => hash(['sitemap', site, ...groups.map((group) => `${group.feeds[0]!.page} ${group.feeds[0]!.updated.getTime()}`), ...catalog.items.map((item) => `${item.key} ${item.updated.getTime()}`)]),
  };
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

/**
 * The site rendered whole, for the server: every body is computed once per
 * change, and compressed once, when first read (see precompress). A file
 * whose inputs are unchanged since `previous` keeps its body, ETag and
 * compressed bodies.
 */
export function renderSite(catalog: Catalog, options: { versions?: ItemVersions; previous?: SiteMap } = {}): SiteMap {
  const before = new Map<string, Resource>();
  for (const resource of options.previous?.values() ?? []) if (resource.inputs) before.set(resource.inputs, resource);
  return new Map(
    planSite(catalog, options.versions).map((plan) => {
      const kept = plan.inputs ? before.get(plan.inputs) : undefined;
      if (!kept) {
        const { body, etag } = renderBody(plan);
        return [plan.path, lazyResource(plan, body, etag)];
      }
      return [plan.path, lazyResource(plan, kept.body, kept.etag, kept)];
    }),
  );
}

/**
 * Compresses every body of `site` not compressed yet, so requests find them
 * ready. With `compress` (CompressionThreads), on other threads, a few at a
 * time, so the event loop stays free for requests; without, on this thread,
 * a slice at a time between the server's other events, so a rebuild never
 * holds the event loop for all of them at once. Resolves when done, or early
 * once `stop()` says the site was replaced.
 */
export async function precompress(site: SiteMap, stop: () => boolean = () => false, compress?: Compress): Promise<void> {
  if (compress) {
    await mapLimit(site.values(), PRECOMPRESS_IN_FLIGHT, async (resource) => {
      if (stop() || !(resource instanceof LazyResource) || resource.compression.done) return;
      // Threads closed at shutdown refuse the rest: a request then compresses what it needs itself.
      const value = await compress(resource.body).catch(() => undefined);
      if (value) resource.compression.fill(value);
    });
    return;
  }
  let sliceStarted = performance.now();
  for (const resource of site.values()) {
    if (stop()) return;
    void resource.gzip;
    void resource.br;
    if (performance.now() - sliceStarted > PRECOMPRESS_SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStarted = performance.now();
    }
  }
}

/** Longest the event loop is held by compression before requests are answered again. */
const PRECOMPRESS_SLICE_MS = 20;
/** Bodies handed to compression threads at once: enough to keep them busy, few enough to stop soon when the site is replaced. */
const PRECOMPRESS_IN_FLIGHT = 8;

/** A planned file with its body, ETag and compressed bodies. */
export function renderResource(plan: PlannedResource): Resource {
  const { body, etag } = renderBody(plan);
  const { render: _render, ...rest } = plan;
  return { ...rest, body, ...compressBody(body), etag };
}

/**
 * A rendered file whose compressed bodies are computed only when read, once:
 * the static export takes them from the body store instead, so a file it
 * hands on costs no compression unless someone asks for it. `from`: a
 * resource of an earlier version with the same body, whose compression
 * (done or not) is shared rather than wrapped, however many versions keep it.
 */
export function lazyResource(plan: PlannedResource, body: Buffer, etag: string, from?: Resource): Resource {
  const compression = from instanceof LazyResource ? from.compression : new Compression(body, from);
  return new LazyResource(plan, body, etag, compression);
}

/**
 * A class rather than an object literal with getters: a rebuild makes one per
 * file (16k at 10k items), and the literals took 90 ms of a watch rebuild.
 */
class LazyResource implements Resource {
  readonly path: string;
  readonly file: string;
  readonly status: 200 | 410;
  readonly type: string;
  readonly lastModified: Date;
  readonly inputs?: string;
  readonly limited?: (limit: number) => Resource;

  constructor(
    plan: PlannedResource,
    readonly body: Buffer,
    readonly etag: string,
    /** The body's compression, shared by the resources of later versions that keep the body. */
    readonly compression: Compression,
  ) {
    this.path = plan.path;
    this.file = plan.file;
    this.status = plan.status;
    this.type = plan.type;
    this.lastModified = plan.lastModified;
    if (plan.inputs !== undefined) this.inputs = plan.inputs;
    if (plan.limited) this.limited = plan.limited;
  }

  get gzip(): Buffer {
    return this.compression.get().gzip;
  }

  get br(): Buffer {
    return this.compression.get().br;
  }
}

/** A body's encodings, made once: when first read, or ahead of that by precompress. */
class Compression {
  private value?: Compressed;

  /** `from`: a resource that already has the encodings of the same body. */
  constructor(
    private readonly body: Buffer,
    private readonly from?: Resource,
  ) {}

  get done(): boolean {
    return this.value !== undefined || this.from !== undefined;
  }

  get(): Compressed {
    return (this.value ??= this.from ? { gzip: this.from.gzip, br: this.from.br } : compressBody(this.body));
  }

  /** Encodings made elsewhere (another thread); ignored if a request made them first. */
  fill(value: Compressed): void {
    this.value ??= value;
  }
}

/** A planned file's body and its strong ETag. */
export function renderBody(plan: PlannedResource): { body: Buffer; etag: string } {
  const body = Buffer.from(plan.render(), 'utf8');
  return { body, etag: etagOf(body) };
}

/** A published file's name suffixes: the body, then its precompressed siblings (as nginx gzip_static and brotli_static look for them). */
export const ENCODINGS = ['', '.gz', '.br'] as const;

function etagOf(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}
