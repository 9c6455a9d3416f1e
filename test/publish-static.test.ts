import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BodyStore } from '../src/build/body-store.js';
import { buildCatalog } from '../src/catalog/index.js';
import { planSite, renderSite, type Resource } from '../src/publish/site.js';
import { exportSite, writeStatic } from '../src/publish/static.js';
import { catalogOf, makeItem, SITE } from './support/items.js';
import { treeFiles } from './support/tree.js';

const site = renderSite(catalogOf([makeItem('one')]));

describe('writeStatic', () => {
  it('writes every resource at its file path, / as index.html, item pages as <key>.html', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'wf-static-')), 'feeds');
    await writeStatic(site, out);
    const files = ['atom.xml', 'feed.json', 'index.html', 'opml.xml', 'rss.xml', 'sitemap.xml', 'style.css'];
    expect(readdirSync(out).sort()).toEqual([...files.flatMap((f) => [f, `${f}.br`, `${f}.gz`]), 'categories', 'items', 'tags'].sort());
    expect(readdirSync(join(out, 'categories', 'world')).sort()).toEqual(
      ['atom.xml', 'feed.json', 'index.html', 'rss.xml'].flatMap((f) => [f, `${f}.br`, `${f}.gz`]).sort(),
    );
    expect(readFileSync(join(out, 'items', 'one.html')).equals(site.get('/items/one')!.body)).toBe(true);
    expect(readFileSync(join(out, 'index.html')).equals(site.get('/')!.body)).toBe(true);
  });
  it('writes gzip and brotli siblings that decompress to the body', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'wf-static-')), 'feeds');
    await writeStatic(site, out);
    for (const resource of site.values()) {
      const file = join(out, resource.file);
      expect(gunzipSync(readFileSync(`${file}.gz`)).equals(resource.body), resource.file).toBe(true);
      expect(brotliDecompressSync(readFileSync(`${file}.br`)).equals(resource.body), resource.file).toBe(true);
    }
  });
  it('replaces the old tree whole: files of the previous build do not linger', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'wf-static-')), 'feeds');
    mkdirSync(out);
    writeFileSync(join(out, 'stale.xml'), 'old');
    await writeStatic(site, out);
    expect(existsSync(join(out, 'stale.xml'))).toBe(false);
    expect(readdirSync(join(out, '..'))).toEqual(['feeds']);
  });
  it('drops stale staging folders and puts back a tree parked by an interrupted swap before writing', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'wf-static-'));
    mkdirSync(join(parent, 'feeds.old-123'));
    writeFileSync(join(parent, 'feeds.old-123', 'rss.xml'), 'previous');
    mkdirSync(join(parent, 'feeds.tmp-456'));
    writeFileSync(join(parent, 'feeds.tmp-456', 'rss.xml'), 'half');
    await writeStatic(site, join(parent, 'feeds'));
    expect(readdirSync(parent)).toEqual(['feeds']);
    expect(readFileSync(join(parent, 'feeds', 'rss.xml')).equals(site.get('/rss.xml')!.body)).toBe(true);
  });
});

describe('exportSite', () => {
  const catalog = buildCatalog(SITE, [makeItem('one'), makeItem('two', { tags: [{ name: 'Lisbon', kind: 'place' }] })], { limit: 50, gone: ['deleted-key'] });
  const full = renderSite(catalog);

  it('writes the same tree as writeStatic of the rendered site, compressing here or taking from the cache, cold and warm', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'wf-static-'));
    await writeStatic(full, join(parent, 'expected'));
    const expected = treeFiles(join(parent, 'expected'));
    expect(expected.has('items/deleted-key.html')).toBe(false);
    expect(await exportSite(planSite(catalog), join(parent, 'plain'))).toEqual({ files: full.size, rendered: full.size - 1 });
    expect(treeFiles(join(parent, 'plain'))).toEqual(expected);
    const versions = new Map(catalog.items.map((item) => [item, `v1-${item.key}`]));
    const memoized = planSite(catalog, versions);
    // Feeds, HTML pages, OPML and sitemap carry their inputs; the stylesheet and gone page are always rendered.
    const alwaysRendered = memoized.filter((plan) => plan.status === 200 && !plan.inputs).length;
    expect(alwaysRendered).toBe(1);
    for (const [round, rendered] of [['cold', full.size - 1], ['warm', alwaysRendered]] as const) {
      const store = await BodyStore.open(join(parent, '.cache'));
      expect(await exportSite(memoized, join(parent, 'cached'), { store }), round).toEqual({ files: full.size, rendered });
      expect(treeFiles(join(parent, 'cached')), round).toEqual(expected);
    }
    expect(readdirSync(parent).sort()).toEqual(['.cache', 'cached', 'expected', 'plain']);
  });

  it('hands on each written file with its body, and its compressed bodies on demand', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'wf-static-')), 'feeds');
    const seen: Resource[] = [];
    await exportSite(planSite(catalog), out, { onResource: async (resource) => void seen.push(resource) });
    const written = [...full.values()].filter((resource) => resource.status === 200);
    expect(seen.map((resource) => resource.path).sort()).toEqual(written.map((resource) => resource.path).sort());
    for (const resource of seen) {
      const rendered = full.get(resource.path)!;
      expect([resource.etag, resource.type, resource.file]).toEqual([rendered.etag, rendered.type, rendered.file]);
      expect(resource.body.equals(rendered.body)).toBe(true);
    }
    const rss = seen.find((resource) => resource.path === '/rss.xml')!;
    expect(rss.gzip.equals(full.get('/rss.xml')!.gzip)).toBe(true);
    expect(rss.br.equals(full.get('/rss.xml')!.br)).toBe(true);
  });
});
