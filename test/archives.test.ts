// RFC 5005 archived feeds, from the point of view of an aggregator that follows the links.
import Parser from 'rss-parser';
import { describe, expect, it } from 'vitest';
import { renderSite, type SiteMap } from '../src/publish/site.js';
import { catalogOf, makeItem } from './support/items.js';
import type { Item } from '../src/types.js';

const items = (count: number): Item[] =>
  Array.from({ length: count }, (_, i) => makeItem(`k${String(i).padStart(3, '0')}`, { published: new Date(Date.UTC(2024, 0, 1, 0, i)) }));

const BASE = 'http://localhost:3000';

/** Follows prev-archive from the subscription feed like an aggregator and returns every id it saw. */
function crawlXml(site: SiteMap, start: string, rel: RegExp): string[] {
  const seen: string[] = [];
  let path: string | undefined = start;
  for (let hops = 0; path && hops < 100; hops++) {
    const xml = site.get(path)?.body.toString('utf8');
    if (!xml) throw new Error(`link to ${path} points nowhere`);
    seen.push(...[...xml.matchAll(/<(?:guid isPermaLink="false"|id)>(urn:uuid:[^<]+)</g)].map((m) => m[1]!));
    path = xml.match(rel)?.[1]?.replace(BASE, '');
  }
  return seen;
}

describe('archived feeds (RFC 5005 §4)', () => {
  const all = items(23);
  const site = renderSite(catalogOf(all, 5));

  it('counts pages from the oldest item: page k holds items 5(k-1)+1 … 5k', () => {
    const page1 = JSON.parse(site.get('/archive/1/feed.json')!.body.toString('utf8'));
    expect(page1.items.map((i: { id: string }) => i.id)).toEqual(all.slice(0, 5).reverse().map((i) => i.id));
    expect(site.has('/archive/4/rss.xml')).toBe(true);
    // 23 items make 4 complete pages; the 3 newest are only in the subscription feed.
    expect(site.has('/archive/5/rss.xml')).toBe(false);
  });

  it('lets an aggregator following prev-archive recover every item, in RSS and Atom', () => {
    const ids = new Set(all.map((i) => i.id));
    const rss = crawlXml(site, '/rss.xml', /<atom:link href="([^"]+)" rel="prev-archive"/);
    const atom = crawlXml(site, '/atom.xml', /<link rel="prev-archive" type="application\/atom\+xml" href="([^"]+)"/);
    expect(new Set(rss)).toEqual(ids);
    expect(new Set(atom)).toEqual(ids);
  });

  it('lets a JSON Feed reader page with next_url to every item', () => {
    const seen = new Set<string>();
    let url: string | undefined = `${BASE}/feed.json`;
    while (url) {
      const feed = JSON.parse(site.get(url.replace(BASE, ''))!.body.toString('utf8'));
      for (const item of feed.items) seen.add(item.id);
      url = feed.next_url;
    }
    expect(seen).toEqual(new Set(all.map((i) => i.id)));
  });

  it('marks archive pages with fh:archive and links current, prev-archive and next-archive', async () => {
    const xml = site.get('/archive/2/rss.xml')!.body.toString('utf8');
    expect(xml).toContain('<fh:archive/>');
    expect(xml).toContain(`<atom:link href="${BASE}/rss.xml" rel="current" type="application/rss+xml"/>`);
    expect(xml).toContain(`<atom:link href="${BASE}/archive/1/rss.xml" rel="prev-archive" type="application/rss+xml"/>`);
    expect(xml).toContain(`<atom:link href="${BASE}/archive/3/rss.xml" rel="next-archive" type="application/rss+xml"/>`);
    expect(site.get('/archive/1/rss.xml')!.body.toString()).not.toContain('rel="prev-archive"');
    expect(site.get('/archive/4/rss.xml')!.body.toString()).not.toContain('rel="next-archive"');
    expect(site.get('/rss.xml')!.body.toString()).not.toContain('<fh:archive/>');
    expect((await new Parser().parseString(xml)).items).toHaveLength(5);
  });

  it('never changes the entries of a complete archive page when newer items arrive', () => {
    const later = renderSite(catalogOf([...all, ...items(40).slice(23)], 5));
    expect(later.has('/archive/8/rss.xml')).toBe(true);
    for (const file of ['rss.xml', 'atom.xml', 'feed.json']) {
      // Pages with a newer page already are byte-identical.
      for (const n of [1, 2, 3]) expect(later.get(`/archive/${n}/${file}`)!.etag, `archive ${n} ${file}`).toBe(site.get(`/archive/${n}/${file}`)!.etag);
      // The newest page only gains its next-archive link to the new page (RFC 5005 §4); its entries stay.
      const before = site.get(`/archive/4/${file}`)!.body.toString();
      const after = later.get(`/archive/4/${file}`)!.body.toString();
      expect(after.replace(/.*next-archive.*\n/g, '')).toBe(before);
    }
  });

  it('keeps every item in the subscription feed and no archive with --limit 0', () => {
    const unpaged = renderSite(catalogOf(all, 0));
    expect(JSON.parse(unpaged.get('/feed.json')!.body.toString()).items).toHaveLength(23);
    expect([...unpaged.keys()].some((p) => p.includes('/archive/'))).toBe(false);
  });

  it('archives sections and tags the same way', () => {
    expect(site.has('/categories/world/archive/1/atom.xml')).toBe(true);
    expect(site.has('/tags/geneva/archive/4/feed.json')).toBe(true);
  });
});
