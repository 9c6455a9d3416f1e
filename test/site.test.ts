import { describe, expect, it, vi } from 'vitest';
import { buildCatalog, CatalogMemo, type Catalog, type Site } from '../src/catalog/index.js';
import type { Item } from '../src/types.js';
import { planSite, precompress, renderSite, type PlannedResource, type StoredSite } from '../src/publish/site.js';
import { RenderKeyMemo } from '../src/publish/render-keys.js';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { atomRules, jsonFeedRules, rssRules } from './support/validate.js';
import { makeItem, SITE } from './support/items.js';
import { catalogVersions } from '../src/pipeline.js';

// Item pages rendered, counted: the server's site renders a body only when it is first read.
const itemPagesRendered = vi.hoisted(() => ({ count: 0, catalog: undefined as unknown }));
vi.mock('../src/render/html.js', async (importOriginal) => {
  const html = await importOriginal<typeof import('../src/render/html.js')>();
  return {
    ...html,
    renderItemPage: (...args: Parameters<typeof html.renderItemPage>) => {
      itemPagesRendered.count++;
      itemPagesRendered.catalog = args[0];
      if (args[1].key === 'unrenderable') throw new Error('this page cannot be rendered');
      return html.renderItemPage(...args);
    },
  };
});

const items = [
  makeItem('a', { section: 'World', tags: [{ name: 'Padrino López', kind: 'person' }], image: 'https://img.example/lead.jpg' }),
  makeItem('b', { section: 'Sport', tags: [{ name: 'Padrino Lopez', kind: 'person' }], published: new Date('2024-02-01T00:00:00Z') }),
];
const site = { ...SITE, icon: 'https://img.example/icon.png', logo: 'https://img.example/logo.png', hub: 'https://hub.example/' };
const map = renderSite(buildCatalog(site, items, { limit: 50, gone: ['deleted-key', 'a'] }));
const text = (path: string): string => map.get(path)!.body.toString('utf8');

describe('the published site', () => {
  it('has feeds and a page for every section and tag, with distinct slugs for names that slug alike', () => {
    for (const base of ['/categories/world', '/categories/sport', '/tags/padrino-lopez', '/tags/padrino-lopez-2']) {
      for (const file of ['rss.xml', 'atom.xml', 'feed.json']) expect(map.has(`${base}/${file}`), `${base}/${file}`).toBe(true);
      expect(map.get(`${base}/`)?.file).toBe(`${base.slice(1)}/index.html`);
    }
    expect(text('/tags/padrino-lopez-2/feed.json')).toContain('Padrino López');
  });
  it('lists every feed in OPML 2.0', () => {
    const opml = text('/opml.xml');
    expect(opml).toContain('<opml version="2.0">');
    for (const path of ['/rss.xml', '/categories/world/rss.xml', '/categories/sport/rss.xml', '/tags/padrino-lopez/rss.xml', '/tags/padrino-lopez-2/rss.xml']) {
      expect(opml).toContain(`xmlUrl="http://localhost:3000${path}"`);
    }
  });
  it('lists every page in sitemap.xml', () => {
    const sitemap = text('/sitemap.xml');
    for (const path of ['/', '/categories/world/', '/tags/padrino-lopez-2/', '/items/a', '/items/b']) expect(sitemap).toContain(`<loc>http://localhost:3000${path}</loc>`);
  });
  it('answers 410 Gone for deleted items only, and never exports them as files', () => {
    expect(map.get('/items/deleted-key')?.status).toBe(410);
    expect(map.get('/items/a')?.status).toBe(200);
  });
  it('carries the lead image, site icon, logo and hub in every format, still valid', () => {
    const rss = text('/rss.xml');
    const atom = text('/atom.xml');
    const json = JSON.parse(text('/feed.json'));
    expect(rss).toContain('<media:content url="https://img.example/lead.jpg" medium="image" type="image/jpeg"/>');
    expect(rss).toContain('<image><url>https://img.example/logo.png</url>');
    expect(rss).toContain('<atom:link href="https://hub.example/" rel="hub"/>');
    expect(atom).toContain('<link rel="enclosure" type="image/jpeg" href="https://img.example/lead.jpg"/>');
    expect(atom).toContain('<icon>https://img.example/icon.png</icon>');
    expect(atom).toContain('<logo>https://img.example/logo.png</logo>');
    expect(json.items.find((i: { url: string }) => i.url.endsWith('/items/a')).image).toBe('https://img.example/lead.jpg');
    expect(json.icon).toBe('https://img.example/icon.png');
    expect(json.hubs).toEqual([{ type: 'WebSub', url: 'https://hub.example/' }]);
    expect(rssRules(rss)).toEqual([]);
    expect(atomRules(atom)).toEqual([]);
    expect(jsonFeedRules(text('/feed.json'))).toEqual([]);
  });
  it('gives item pages canonical and Open Graph tags', () => {
    const page = text('/items/a');
    expect(page).toContain('<link rel="canonical" href="http://localhost:3000/items/a">');
    expect(page).toContain('<meta property="og:type" content="article">');
    expect(page).toContain('<meta property="og:image" content="https://img.example/lead.jpg">');
    expect(page).toContain('<a class="section" href="/categories/world/">World</a>');
    expect(page).toContain('<a href="/tags/padrino-lopez-2/">Padrino López</a>');
  });
});

describe('rendering only what changed (versions and previous)', () => {
  // A perfect version: any change to an item changes it, as the item cache's key does.
  const versionsOf = (catalog: Catalog) => new Map(catalog.items.map((item) => [item, JSON.stringify(item)]));
  const day = (n: number) => new Date(Date.UTC(2024, 0, n));
  const base = [
    makeItem('a', { section: 'World', tags: [{ name: 'Padrino López', kind: 'person' }], published: day(1), updated: day(1) }),
    makeItem('b', { section: 'Sport', tags: [{ name: 'Geneva', kind: 'place' }], published: day(2), updated: day(2) }),
    makeItem('c', { section: 'World', tags: [{ name: 'Geneva', kind: 'place' }, { name: 'NATO', kind: 'organization' }], published: day(3), updated: day(3) }),
    makeItem('d', { section: 'Business', tags: [], published: day(4), updated: day(4) }),
  ];
  const catalog = (items: Item[], options: { limit?: number; site?: Site; memo?: CatalogMemo } = {}) =>
    buildCatalog(options.site ?? SITE, items, { limit: options.limit ?? 2, ...(options.memo ? { memo: options.memo } : {}) });
  const before = catalog(base);
  const previous = renderSite(before, { versions: versionsOf(before) });

  // Each change as a catalog built after `base`, with the memo of a long-lived process or without.
  const edits: [string, (memo?: CatalogMemo) => Catalog][] = [
    ['one item edited', (memo) => catalog(base.map((item) => (item.key === 'b' ? { ...item, summary: 'A corrected summary.' } : item)), { memo })],
    ['the author renamed', (memo) => catalog(base, { site: { ...SITE, author: { name: 'Someone Else' } }, memo })],
    ['an item added (archives shift)', (memo) => catalog([...base, makeItem('e', { section: 'World', published: day(5), updated: day(5) })], { memo })],
    ['an item deleted', (memo) => catalog(base.filter((item) => item.key !== 'c'), { memo })],
    ['an item moved to a new section (the section navigation changes)', (memo) => catalog(base.map((item) => (item.key === 'd' ? { ...item, section: 'Science' } : item)), { memo })],
    ['a tag whose slug takes the old one\'s place', (memo) => catalog(base.map((item) => (item.key === 'd' ? { ...item, tags: [{ name: 'Padrino Lopez', kind: 'person' }] } : item)), { memo })],
    ['the site renamed', (memo) => catalog(base, { site: { ...SITE, title: 'Renamed' }, memo })],
    ['another feed size', (memo) => catalog(base, { limit: 3, memo })],
  ];
  const changes: [string, Catalog][] = edits.map(([change, make]) => [change, make()]);
  const inputs = (plans: PlannedResource[]) => plans.map((plan) => [plan.path, plan.inputs]);

  for (const [change, make] of edits) {
    it(`keys each file as a fresh hashing does, with the catalog's groups and the render keys kept since the site before: ${change}`, () => {
      const groups = new CatalogMemo();
      const memo = new RenderKeyMemo();
      const first = catalog(base, { memo: groups });
      planSite(first, versionsOf(first), memo);
      const after = make(groups);
      expect(inputs(planSite(after, versionsOf(after), memo))).toEqual(inputs(planSite(after, versionsOf(after))));
      const back = catalog(base, { memo: groups });
      expect(inputs(planSite(back, versionsOf(back), memo))).toEqual(inputs(planSite(back, versionsOf(back))));
    });
  }

  it('keys files alike whatever order the site settings were put together in', () => {
    const reordered = { ...Object.fromEntries(Object.entries(SITE).reverse()), author: { ...SITE.author } } as Site;
    expect(Object.keys(reordered)).not.toEqual(Object.keys(SITE));
    const site = catalog(base, { site: reordered });
    expect(inputs(planSite(site, versionsOf(site)))).toEqual(inputs(planSite(before, versionsOf(before))));
  });

  describe('with the bodies a build stored', () => {
    const plans = planSite(before, versionsOf(before));
    const inputsOf = (path: string): string => plans.find((plan) => plan.path === path)!.inputs!;
    const stored = { body: Buffer.from('<p>Stored.</p>'), etag: '"stored"', gzip: Buffer.from('stored gzip'), br: Buffer.from('stored br') };
    const storeOf = (paths: string[], gone = false) => {
      const reads: string[] = [];
      const store: StoredSite = {
        has: (inputs) => paths.some((path) => inputsOf(path) === inputs),
        read: (inputs) => {
          reads.push(inputs);
          return gone ? undefined : stored;
        },
      };
      return { store, reads };
    };

    it('reads a stored body and its encodings when first asked for, rendering and compressing nothing', () => {
      const { store, reads } = storeOf(['/items/a']);
      itemPagesRendered.count = 0;
      const site = renderSite(before, { versions: versionsOf(before), stored: store });
      expect(reads).toEqual([]);
      const page = site.get('/items/a')!;
      expect(page.body).toBe(stored.body);
      expect(page.etag).toBe(stored.etag);
      expect(page.gzip).toBe(stored.gzip);
      expect(page.br).toBe(stored.br);
      expect(reads).toEqual([inputsOf('/items/a')]);
      expect(itemPagesRendered.count).toBe(0);
      // A file the store does not have is rendered as ever.
      expect(site.get('/items/b')!.body.toString('utf8')).toContain('Title b');
      expect(itemPagesRendered.count).toBe(1);
    });

    it('brings the stored encodings along whichever is asked for first', () => {
      for (const first of ['gzip', 'br', 'etag'] as const) {
        const { store } = storeOf(['/items/a']);
        const page = renderSite(before, { versions: versionsOf(before), stored: store }).get('/items/a')!;
        void page[first];
        expect(page.gzip).toBe(stored.gzip);
        expect(page.br).toBe(stored.br);
      }
    });

    it('points a body not made yet at the newest version that keeps it, so older catalogs are let go', () => {
      const { store } = storeOf(['/items/a'], true);
      const first = renderSite(before, { versions: versionsOf(before), stored: store });
      const again = catalog(base);
      const second = renderSite(again, { versions: versionsOf(again), previous: first, stored: store });
      expect(second.get('/items/a')!.body.toString('utf8')).toContain('Title a');
      // The entry is gone: the page is rendered, from the newest catalog, and the first version shares it.
      expect(itemPagesRendered.catalog).toBe(again);
      expect(first.get('/items/a')!.body).toBe(second.get('/items/a')!.body);
    });

    it('renders a stored file whose entry is gone', () => {
      const { store, reads } = storeOf(['/items/a'], true);
      const page = renderSite(before, { versions: versionsOf(before), stored: store }).get('/items/a')!;
      expect(page.body.toString('utf8')).toContain('Title a');
      expect(gunzipSync(page.gzip).equals(page.body)).toBe(true);
      expect(reads).toHaveLength(1);
    });

    it('leaves stored files to the requests when precompressing', async () => {
      const paths = ['/rss.xml', '/items/a', '/categories/world/'];
      const { store, reads } = storeOf(paths);
      const site = renderSite(before, { versions: versionsOf(before), stored: store });
      let compressed = 0;
      await precompress(site, () => false, async (body) => {
        compressed++;
        return { gzip: gzipSync(body), br: brotliCompressSync(body) };
      });
      expect(compressed).toBe(site.size - paths.length);
      expect(reads).toEqual([]);
    });
  });

  it('takes no key by identity when an item object comes with another version', () => {
    const groups = new CatalogMemo();
    const memo = new RenderKeyMemo();
    const first = catalog(base, { memo: groups });
    planSite(first, versionsOf(first), memo);
    const again = catalog(base, { memo: groups });
    expect(again.home).toBe(first.home);
    const other = new Map([...versionsOf(again)].map(([item, version]) => [item, item.key === 'b' ? `${version}, once more` : version]));
    expect(inputs(planSite(again, other, memo))).toEqual(inputs(planSite(again, other)));
  });

  for (const [change, after] of changes) {
    it(`gives the bytes of a full render: ${change}`, () => {
      const fresh = renderSite(after);
      const memoized = renderSite(after, { versions: versionsOf(after), previous });
      expect([...memoized.keys()]).toEqual([...fresh.keys()]);
      for (const [path, resource] of fresh) {
        expect(memoized.get(path)!.body.toString('utf8'), path).toBe(resource.body.toString('utf8'));
        expect(memoized.get(path)!.etag, path).toBe(resource.etag);
      }
    });

    it(`keys each file as a fresh hashing does, with render keys kept since the site before: ${change}`, () => {
      const memo = new RenderKeyMemo();
      planSite(before, versionsOf(before), memo);
      expect(inputs(planSite(after, versionsOf(after), memo))).toEqual(inputs(planSite(after, versionsOf(after))));
      // And back: the keys the memo forgot or replaced are made again.
      expect(inputs(planSite(before, versionsOf(before), memo))).toEqual(inputs(planSite(before, versionsOf(before))));
    });
  }

  it('keeps the bodies of files whose inputs did not change, and renders the others', () => {
    const [, after] = changes[0]!;
    const memoized = renderSite(after, { versions: versionsOf(after), previous });
    const kept = [...memoized].filter(([path, resource]) => previous.get(path)?.body === resource.body).map(([path]) => path);
    // b is in the main feed's archive, Sport and Geneva, and on the pages that list it.
    for (const path of ['/items/a', '/items/c', '/items/d', '/categories/world/rss.xml', '/categories/business/', '/tags/nato/atom.xml']) expect(kept, path).toContain(path);
    for (const path of ['/items/b', '/categories/sport/rss.xml', '/tags/geneva/feed.json', '/tags/geneva/', '/archive/1/rss.xml']) expect(kept, path).not.toContain(path);
  });

  it('renders each body when first read, once, and shares it with later versions whose file has the same inputs', () => {
    itemPagesRendered.count = 0;
    const site = renderSite(before, { versions: versionsOf(before) });
    expect(itemPagesRendered.count).toBe(0);
    const page = site.get('/items/a')!;
    expect(page.body.toString()).toContain('Title a');
    expect(page.etag).toMatch(/^"/);
    void page.body;
    expect(itemPagesRendered.count).toBe(1);
    const [, after] = changes[0]!;
    const next = renderSite(after, { versions: versionsOf(after), previous: site });
    expect(next.get('/items/a')!.body).toBe(page.body);
    expect(next.get('/items/b')!.body.toString()).toContain('A corrected summary.');
    expect(itemPagesRendered.count).toBe(2);
  });

  it('tries a body that fails to render once, and gives every later read the same error', () => {
    const broken = renderSite(catalog([...base, makeItem('unrenderable')]));
    itemPagesRendered.count = 0;
    const page = broken.get('/items/unrenderable')!;
    expect(() => page.body).toThrow('this page cannot be rendered');
    expect(() => page.etag).toThrow('this page cannot be rendered');
    expect(itemPagesRendered.count).toBe(1);
    expect(broken.get('/items/a')!.body.toString()).toContain('Title a');
  });

  it('compresses bodies when first read, or ahead of requests with precompress, which stops when told', async () => {
    const site = renderSite(before);
    const resource = site.get('/rss.xml')!;
    expect(gunzipSync(resource.gzip).equals(resource.body)).toBe(true);
    expect(resource.gzip).toBe(resource.gzip);
    let asked = 0;
    await precompress(site, () => asked++ > 2);
    expect(asked).toBe(4);
    await precompress(site);
    for (const each of site.values()) expect(brotliDecompressSync(each.br).equals(each.body)).toBe(true);
  });

  it('precompresses through a given compress function, whose encodings requests then get, and stops when told', async () => {
    const site = renderSite(before);
    const made = new Map<Buffer, { gzip: Buffer; br: Buffer }>();
    const compress = async (body: Buffer) => {
      const compressed = { gzip: gzipSync(body), br: brotliCompressSync(body) };
      made.set(body, compressed);
      return compressed;
    };
    let asked = 0;
    await precompress(site, () => asked++ >= 2, compress);
    expect(made.size).toBeGreaterThan(0);
    expect(made.size).toBeLessThan(site.size);
    await precompress(site, () => false, compress);
    expect(made.size).toBe(site.size);
    for (const each of site.values()) {
      expect(each.gzip).toBe(made.get(each.body)!.gzip);
      expect(each.br).toBe(made.get(each.body)!.br);
    }
    // A failing compress (threads closed) leaves the bodies to be compressed when read.
    const fresh = renderSite(before);
    await precompress(fresh, () => false, () => Promise.reject(new Error('closed')));
    expect(gunzipSync(fresh.get('/rss.xml')!.gzip).equals(fresh.get('/rss.xml')!.body)).toBe(true);
  });

  it('renders one body per turn of the event loop as it precompresses, so requests are answered between renders', async () => {
    const site = renderSite(before);
    let rendered = 0;
    const compress = async (body: Buffer) => {
      rendered++;
      return { gzip: gzipSync(body), br: brotliCompressSync(body) };
    };
    // What a request arriving at each turn would find: how many bodies were rendered before it.
    const seen: number[] = [];
    let done = false;
    const turn = (): void => {
      seen.push(rendered);
      if (!done) setImmediate(turn);
    };
    setImmediate(turn);
    await precompress(site, () => false, compress);
    done = true;
    expect(rendered).toBe(site.size);
    const most = Math.max(...seen.slice(1).map((count, i) => count - seen[i]!));
    expect(most).toBe(1);
  });

  it('shares one compression of a kept body across every later version, done before or after', () => {
    let site = renderSite(before, { versions: versionsOf(before) });
    const first = site.get('/items/a')!;
    for (let i = 0; i < 3; i++) site = renderSite(before, { versions: versionsOf(before), previous: site });
    const kept = site.get('/items/a')!;
    expect(kept).not.toBe(first);
    expect(kept.gzip).toBe(first.gzip);
    expect(kept.br).toBe(first.br);
  });

  it('renders the sitemap again when only the date of an item page changed', () => {
    // y is never the newest of its groups, so no group's date moves with it.
    const items = (updated: Date) => [makeItem('x', { published: day(5) }), makeItem('y', { published: day(1), updated })];
    const [one, two] = [day(1), day(2)].map((updated) => catalog(items(updated)));
    const sitemap = renderSite(two, { versions: versionsOf(two), previous: renderSite(one!, { versions: versionsOf(one!) }) }).get('/sitemap.xml')!;
    expect(sitemap.body.toString()).toBe(renderSite(two!).get('/sitemap.xml')!.body.toString());
    expect(sitemap.body.toString()).toContain('<lastmod>2024-01-02T00:00:00Z</lastmod>');
  });

  it('refuses a memoized render where an item has no version', () => {
    expect(() => renderSite(before, { versions: new Map() })).toThrow(/no version for item/);
  });
});

describe('a long-lived process over random edits', () => {
  // A small seeded generator: the same edits on every run.
  let state = 1;
  const below = (n: number): number => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
  const base = Date.UTC(2024, 0, 1);
  // Names that slug alike (Café, Cafe) and dates shared or in the same second, where the catalog is subtle.
  const itemOf = (key: string): Item => {
    const published = new Date(below(3) === 0 ? base : base + below(20) * 1000 + below(2) * 500);
    return makeItem(key, {
      section: ['World', 'Sport', 'Café', 'Cafe', 'Business'][below(5)]!,
      tags: ['Geneva', 'NATO', 'Zürich', 'Zurich', 'x'].filter(() => below(3) === 0).map((name) => ({ name, kind: 'place' as const })),
      published,
      updated: below(3) === 0 ? new Date(published.getTime() + 5000) : published,
      dateSource: below(3) ? 'mtime' : 'declared',
      summary: `Summary ${below(1000)}.`,
    });
  };
  // Versions as a build gives them: one per item made, then the catalog's own for the items it moved.
  const made = new WeakMap<Item, string>();
  let count = 0;
  const fresh = (item: Item): Item => (made.set(item, `v${count++}`), item);
  const versionsOf = (catalog: Catalog, items: Item[]) => catalogVersions(catalog, items, new Map(items.map((item) => [item, made.get(item)!])));

  it('builds the catalog, keys and bodies a fresh build makes, with its memos kept from one build to the next', () => {
    for (let run = 0; run < 30; run++) {
      let items = Array.from({ length: 12 }, (_, n) => fresh(itemOf(`k${n}`)));
      const groups = new CatalogMemo();
      const keys = new RenderKeyMemo();
      let limit = 2;
      let site: Site = SITE;
      let previous: ReturnType<typeof renderSite> | undefined;
      for (let step = 0; step < 25; step++) {
        const edit = below(7);
        if (edit === 0) items = [...items, fresh(itemOf(`n${run}-${step}`))];
        else if (edit === 1 && items.length > 1) items = items.filter((_, i) => i !== below(items.length));
        else if (edit === 2) {
          const changed = below(items.length);
          items = items.map((item, i) => (i === changed ? fresh(itemOf(item.key)) : item));
        } else if (edit === 3) limit = below(4);
        else if (edit === 4) site = below(2) ? SITE : { ...SITE, title: `Title ${below(2)}`, url: `http://example${below(2)}.com` };
        else if (edit === 5) items = [...items].reverse();
        const kept = buildCatalog(site, items, { limit, memo: groups });
        const whole = buildCatalog(site, items, { limit });
        expect(kept, `${run}/${step}`).toEqual(whole);
        const versions = versionsOf(kept, items);
        const inputs = (plans: PlannedResource[]) => plans.map((plan) => [plan.path, plan.inputs]);
        expect(inputs(planSite(kept, versions, keys)), `${run}/${step}`).toEqual(inputs(planSite(whole, versionsOf(whole, items))));
        const served = renderSite(kept, { versions, ...(previous ? { previous } : {}) });
        for (const [path, resource] of renderSite(whole)) expect(served.get(path)!.body.toString('utf8'), `${run}/${step} ${path}`).toBe(resource.body.toString('utf8'));
        previous = served;
      }
    }
  });
});
