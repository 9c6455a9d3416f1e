import { createHash } from 'node:crypto';
import { allGroups, type Catalog, type FeedSpec, type Group } from '../catalog/index.js';
import { renderAtom } from '../render/atom.js';
import { renderGonePage, renderGroupPage, renderItemPage, STYLESHEET } from '../render/html.js';
import { renderJsonFeed } from '../render/jsonfeed.js';
import { CONTENT_TYPES, feedPath, type FeedFormat } from '../render/links.js';
import { renderOpml } from '../render/opml.js';
import { renderRss } from '../render/rss.js';
import { renderSitemap } from '../render/sitemap.js';
import { itemPath } from '../urls.js';
import { compressBody, type Compress, type Compressed } from './compression.js';
import { renderInputs, type ItemVersions, type RenderKeyMemo } from './render-keys.js';

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

/**
 * Every file the site publishes, in a stable order, without rendering any of
 * them. With `versions`, each feed and page carries the hash of its inputs;
 * with `memo` too, only the files whose inputs changed since the memo's last
 * build are hashed again.
 */
export function planSite(catalog: Catalog, versions?: ItemVersions, memo?: RenderKeyMemo): PlannedResource[] {
  const plans: PlannedResource[] = [];
  const keys = versions ? renderInputs(catalog, versions, memo) : undefined;
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
  memo?.settle();
  return plans;
}

/** A body with its ETag and encodings, as a build stored it. */
export interface StoredBody extends Compressed {
  body: Buffer;
  etag: string;
}

/** The bodies a build stored (see BodyStore), for a server to read instead of rendering and compressing them again. */
export interface StoredSite {
  /** Whether a body is stored for these render inputs (planSite's `inputs`). */
  has(inputs: string): boolean;
  /** The body stored for these inputs, read now; undefined if it is gone since (a later build dropped it). */
  read(inputs: string): StoredBody | undefined;
}

export interface RenderSiteOptions {
  /** Each item's version (the build's item cache keys): with them, files are keyed by their inputs. */
  versions?: ItemVersions;
  /** The site served so far: files whose inputs are unchanged share its bodies. */
  previous?: SiteMap;
  /** A long-lived process's render keys (see RenderKeyMemo). */
  memo?: RenderKeyMemo;
  /** Bodies a build stored: a file whose inputs are there is read from disk when first asked for, not rendered. */
  stored?: StoredSite;
}

/**
 * The site for the server: every body is rendered once per change, when
 * first read (a request, or precompress after the swap), so a rebuild swaps
 * the new site in without waiting for the files an edit changed; and
 * compressed once, when first read. A file whose inputs are unchanged since
 * `previous` shares that version's body, ETag and compressed bodies, made
 * or still to make; one whose inputs a build stored is read from the store,
 * encodings and all, when first asked for.
 */
export function renderSite(catalog: Catalog, options: RenderSiteOptions = {}): SiteMap {
  const { stored } = options;
  const before = new Map<string, Content>();
  for (const resource of options.previous?.values() ?? []) if (resource instanceof LazyResource && resource.inputs) before.set(resource.inputs, resource.content);
  return new Map(
    planSite(catalog, options.versions, options.memo).map((plan) => {
      const { inputs } = plan;
      const inStore = inputs !== undefined && stored !== undefined && stored.has(inputs);
      // An entry a later build dropped is rendered after all.
      const make = inStore ? () => stored.read(inputs) ?? renderBody(plan) : () => renderBody(plan);
      // Shared rather than wrapped, however many versions keep it. One not made yet is pointed at this
      // version's plan (the same inputs make the same bytes), so it does not keep an older catalog alive:
      // precompression leaves stored files, so such a body may not be made for a long time.
      const kept = inputs ? before.get(inputs) : undefined;
      kept?.retarget(make, inStore);
      return [plan.path, new LazyResource(plan, kept ?? new Content(make, inStore))];
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
    const inFlight = new Set<Promise<void>>();
    for (const resource of site.values()) {
      if (!(resource instanceof LazyResource) || resource.content.compressed || resource.content.stored) continue;
      // One body rendered per turn of the event loop, after the requests that came in meanwhile: right
      // after a rebuild, rendering eight bodies in one turn held the first request for the edit (13-19 ms of rendering).
      await new Promise((resolve) => setImmediate(resolve));
      if (stop()) break;
      if (resource.content.compressed) continue;
      // Threads closed at shutdown refuse the rest: a request then compresses what it needs itself
      // (and meets the error of a body that cannot be rendered, if any, as its own).
      const job: Promise<void> = Promise.resolve()
        .then(() => compress(resource.body))
        .then(
          (value) => resource.content.fill(value),
          () => undefined,
        )
        .finally(() => inFlight.delete(job));
      inFlight.add(job);
      if (inFlight.size >= PRECOMPRESS_IN_FLIGHT) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    return;
  }
  let sliceStarted = performance.now();
  for (const resource of site.values()) {
    if (stop()) return;
    if (resource instanceof LazyResource && resource.content.stored) continue;
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
 * A planned file with the body the static export already has, whose
 * compressed bodies are made only when read: a file the export hands on
 * costs no compression unless someone asks for it.
 */
export function lazyResource(plan: PlannedResource, made: { body: Buffer; etag: string }): Resource {
  return new LazyResource(plan, new Content(() => made));
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
    /** The body and its encodings, shared by the resources of later versions with the same inputs. */
    readonly content: Content,
  ) {
    this.path = plan.path;
    this.file = plan.file;
    this.status = plan.status;
    this.type = plan.type;
    this.lastModified = plan.lastModified;
    if (plan.inputs !== undefined) this.inputs = plan.inputs;
    if (plan.limited) this.limited = plan.limited;
  }

  get body(): Buffer {
    return this.content.made().body;
  }

  get etag(): string {
    return this.content.made().etag;
  }

  get gzip(): Buffer {
    return this.content.encodings().gzip;
  }

  get br(): Buffer {
    return this.content.encodings().br;
  }
}

/** What makes a body: its ETag, and its encodings when they come with it (from a build's store). */
type Make = () => { body: Buffer; etag: string } & Partial<Compressed>;

/** A file's body with its ETag, and its encodings, each made once: when first read, or ahead of that by precompress. */
class Content {
  private body?: { body: Buffer; etag: string };
  private failure?: unknown;
  private value?: Compressed;

  constructor(
    private make: Make | undefined,
    /** Read from a build's store when first asked for, encodings included: precompress leaves it until then. */
    private inStore = false,
  ) {}

  get stored(): boolean {
    return this.inStore && this.make !== undefined;
  }

  made(): { body: Buffer; etag: string } {
    if (this.body) return this.body;
    if (this.failure !== undefined) throw this.failure;
    try {
      const { body, etag, gzip, br } = this.make!();
      this.body = { body, etag };
      if (gzip && br) this.value ??= { gzip, br };
      return this.body;
    } catch (error) {
      this.failure = error;
      throw error;
    } finally {
      // What rendering reads (the catalog of its version) is let go once tried, whether it rendered or threw.
      this.make = undefined;
    }
  }

  get compressed(): boolean {
    return this.value !== undefined;
  }

  encodings(): Compressed {
    // The body first: one read from a build's store brings its encodings along.
    const { body } = this.made();
    return (this.value ??= compressBody(body));
  }

  /** Makes the body with `make` instead (from a build's store or not), if it is not made yet. */
  retarget(make: Make, inStore: boolean): void {
    if (!this.make) return;
    this.make = make;
    this.inStore = inStore;
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
