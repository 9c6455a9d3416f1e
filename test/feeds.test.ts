// Every feed a build publishes, checked the strictest ways we can run here and read back by
// real clients: the seeds/ build and the hostile corpus build, in all three formats.
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { readSeeds } from '../src/ingest/read.js';
import { loadRules } from '../src/normalize/index.js';
import { runPipeline, type PipelineResult } from '../src/pipeline.js';
import { createApp, listen, SiteHolder } from '../src/publish/server.js';
import { writeStatic } from '../src/publish/static.js';
import { itemUrl, type FeedSpec } from '../src/catalog/index.js';
import { feedPath } from '../src/render/links.js';
import { feedEntries } from './support/feed-entries.js';
import { rfc3339 } from '../src/text/dates.js';
import { HOSTILE_CASES } from './support/hostile-cases.js';
import {
  atomRules, atomSchemaAll, feedparserRead, gofeedRead, jsonFeedRules, newsboatRead, rssRules, sfeedRead, xmlWellFormed,
} from './support/validate.js';

const ROOT = join(import.meta.dirname, '..');
const TOOL_TIMEOUT = 120_000;

interface Build {
  name: string;
  result: PipelineResult;
  out: string;
}

async function build(name: string, seeds: string, limit: number): Promise<Build> {
  const read = await readSeeds(seeds);
  const result = runPipeline(read.documents, {
    site: { title: 'Wirefeed', description: 'Clean news items', url: 'http://localhost:3000', author: { name: 'Wirefeed' } },
    limit,
    rules: loadRules(),
  });
  result.failures.push(...read.failures);
  const out = join(mkdtempSync(join(tmpdir(), `wf-${name}-`)), 'feeds');
  await writeStatic(result.site, out);
  return { name, result, out };
}

const builds: Build[] = [];
beforeAll(async () => {
  // The hostile build pages by 4 so it also has archive pages to check.
  builds.push(await build('seeds', join(ROOT, 'seeds'), 50), await build('hostile', join(ROOT, 'test/fixtures/hostile'), 4));
}, TOOL_TIMEOUT);

const body = (b: Build, path: string): string => b.result.site.get(path)!.body.toString('utf8');

/** Feeds other than the main one that readers must also read: the first section's, and the first archive page of the site and of that section. */
function beyondMain(b: Build): FeedSpec[] {
  const section = b.result.catalog.sections[0]!;
  return [section.feeds[0]!, ...(b.result.catalog.home.feeds[1] ? [b.result.catalog.home.feeds[1]] : []), ...(section.feeds[1] ? [section.feeds[1]] : [])];
}

describe.each(['seeds', 'hostile'])('the %s build', (name) => {
  const get = (): Build => builds.find((b) => b.name === name)!;

  const feeds = (file: string): string[] => [...get().result.site.keys()].filter((path) => path.endsWith(`/${file}`)).sort();

  it('publishes the main, section, tag and archive feeds in every format', () => {
    for (const file of ['rss.xml', 'atom.xml', 'feed.json']) {
      expect(feeds(file)).toContain(`/${file}`);
      expect(feeds(file).some((p) => p.startsWith('/categories/'))).toBe(true);
      expect(feeds(file).some((p) => p.startsWith('/tags/'))).toBe(true);
    }
    if (name === 'hostile') expect(feeds('rss.xml')).toContain('/archive/1/rss.xml');
  });

  it('every RSS feed is well-formed and breaks no RSS 2.0 or W3C validator rule', async () => {
    for (const path of feeds('rss.xml')) {
      const xml = body(get(), path);
      expect(await xmlWellFormed(xml), path).toEqual([]);
      expect(rssRules(xml), path).toEqual([]);
    }
  }, TOOL_TIMEOUT);

  it('every Atom feed is well-formed, valid against RFC 4287 RELAX NG, and breaks no validator rule', async () => {
    const paths = feeds('atom.xml');
    const schema = await atomSchemaAll(paths.map((path) => body(get(), path)));
    for (const [i, path] of paths.entries()) {
      const xml = body(get(), path);
      expect(await xmlWellFormed(xml), path).toEqual([]);
      expect(schema[i], path).toEqual([]);
      expect(atomRules(xml), path).toEqual([]);
    }
  }, TOOL_TIMEOUT);

  it('every JSON Feed matches the JSON Feed 1.1 schema and spec rules', () => {
    for (const path of feeds('feed.json')) expect(jsonFeedRules(body(get(), path)), path).toEqual([]);
  });

  it('python3-feedparser reads RSS and Atom with bozo 0 and every field equal to the item', async () => {
    const { result, out } = get();
    for (const file of ['rss.xml', 'atom.xml']) {
      const feed = await feedparserRead(join(out, file));
      expect(feed.bozo, `${file}: ${feed.bozoException}`).toBe(0);
      expect(feed.entries).toHaveLength(result.catalog.main.items.length);
      feed.entries.forEach((entry, i) => {
        const item = result.catalog.main.items[i]!;
        expect(entry.id).toBe(item.id);
        expect(entry.title).toBe(item.title);
        expect(entry.link).toBe(itemUrl(result.catalog.site, item));
        expect(entry.published).toBe(rfc3339(item.published));
        expect(entry.tags).toEqual([item.section, ...item.tags.map((t) => t.name)]);
        // Both formats carry the summary as HTML; its text must be the item's summary.
        expect(decodeHtml(entry.summary ?? '')).toBe(item.summary);
      });
    }
  }, TOOL_TIMEOUT);

  it('sfeed, gofeed and rss-parser read the same items, ids and links in the same order in every format', async () => {
    const { result } = get();
    const ids = result.catalog.main.items.map((i) => i.id);
    const links = result.catalog.main.items.map((i) => itemUrl(result.catalog.site, i));
    for (const path of ['/rss.xml', '/atom.xml']) {
      const sfeed = await sfeedRead(body(get(), path));
      expect(sfeed.map((i) => i.id)).toEqual(ids);
      expect(sfeed.map((i) => i.link)).toEqual(links);
      const parsed = await new Parser().parseString(body(get(), path));
      expect(parsed.items.map((i) => i.guid ?? i.id)).toEqual(ids);
    }
    for (const path of ['/rss.xml', '/atom.xml', '/feed.json']) {
      const go = await gofeedRead(body(get(), path));
      expect(go.error).toBeUndefined();
      expect(go.items.map((i) => i.guid)).toEqual(ids);
      expect(go.items.map((i) => i.title)).toEqual(result.catalog.main.items.map((i) => i.title));
      expect(go.items.map((i) => i.link)).toEqual(links);
    }
  }, TOOL_TIMEOUT);

  describe('newsboat, from a local server', () => {
    let server: Server;
    let base: string;
    beforeAll(async () => {
      server = await listen(createApp(new SiteHolder(get().result.site)), 0, '127.0.0.1');
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => server.close());
    it.each(['/rss.xml', '/atom.xml'])('loads every item of %s', async (path) => {
      const read = await newsboatRead(base + path);
      expect(read.errors).toEqual([]);
      const items = get().result.catalog.main.items;
      expect(read.items.map((i) => i.title).sort()).toEqual(items.map((i) => i.title).sort());
    }, TOOL_TIMEOUT);

    it('loads every item of a section feed and of an archive page', async () => {
      for (const spec of beyondMain(get())) {
        for (const format of ['rss', 'atom'] as const) {
          const read = await newsboatRead(base + feedPath(spec, format));
          expect(read.errors, feedPath(spec, format)).toEqual([]);
          expect(read.items.map((i) => i.guid).sort(), feedPath(spec, format)).toEqual(spec.items.map((i) => i.id).sort());
        }
      }
    }, TOOL_TIMEOUT);
  });

  it('python3-feedparser, gofeed and sfeed read a section feed and an archive page: same items, ids and order', async () => {
    const { result, out } = get();
    const specs = beyondMain(get());
    // The seed corpus has one item, so only the hostile build (paged by 4) has archive pages.
    if (name === 'hostile') expect(specs.some((spec) => spec.archived)).toBe(true);
    for (const spec of specs) {
      const ids = spec.items.map((i) => i.id);
      const titles = spec.items.map((i) => i.title);
      for (const format of ['rss', 'atom'] as const) {
        const path = feedPath(spec, format);
        const feed = await feedparserRead(join(out, path.slice(1)));
        expect(feed.bozo, `${path}: ${feed.bozoException}`).toBe(0);
        expect(feed.entries.map((e) => e.id), path).toEqual(ids);
        expect(feed.entries.map((e) => e.title), path).toEqual(titles);
        expect(feed.entries.map((e) => e.link), path).toEqual(spec.items.map((i) => itemUrl(result.catalog.site, i)));
        expect((await sfeedRead(body(get(), path))).map((i) => i.id), path).toEqual(ids);
      }
      for (const format of ['rss', 'atom', 'json'] as const) {
        const path = feedPath(spec, format);
        const go = await gofeedRead(body(get(), path));
        expect(go.error, path).toBeUndefined();
        expect(go.items.map((i) => i.guid), path).toEqual(ids);
        expect(go.items.map((i) => i.title), path).toEqual(titles);
      }
    }
  }, TOOL_TIMEOUT);

  it('lists the same items in the same order with the same ids, titles, links and dates in the three formats of every feed', () => {
    const { result } = get();
    const specs = [result.catalog.home, ...result.catalog.sections, ...result.catalog.tags].flatMap((group) => group.feeds);
    expect(specs.length).toBeGreaterThan(3);
    for (const spec of specs) {
      const expected = spec.items.map((i) => ({ id: i.id, title: i.title, link: itemUrl(result.catalog.site, i), published: i.published.toISOString() }));
      for (const format of ['rss', 'atom', 'json'] as const) {
        const entries = feedEntries(format, body(get(), feedPath(spec, format))).map(({ id, title, link, published }) => ({ id, title, link, published }));
        expect(entries, feedPath(spec, format)).toEqual(expected);
      }
    }
  });
});

describe('the hostile build', () => {
  const hostile = (): Build => builds.find((b) => b.name === 'hostile')!;
  it('names each bad document with its reason and publishes all the others', () => {
    const { result } = hostile();
    const reasons = Object.fromEntries(result.failures.map((f) => [f.path, f.reason]));
    const refused = HOSTILE_CASES.flatMap((c) => c.refused);
    expect(Object.keys(reasons).sort()).toEqual(refused.map((r) => r.file).sort());
    for (const { file, reason } of refused) expect(reasons[file]).toMatch(reason);
    expect(result.catalog.items.map((i) => i.title).sort()).toEqual(HOSTILE_CASES.flatMap((c) => c.published).sort());
  });
  it('keeps no script, handler or javascript: URL anywhere it publishes', () => {
    for (const resource of hostile().result.site.values()) {
      const text = resource.body.toString('utf8');
      expect(text, resource.path).not.toMatch(/<script|&lt;script|onerror|onclick|javascript:|<iframe|&lt;iframe/i);
    }
  });
  it('reads UTF-16 and BOM files and every line ending into the same clean text', () => {
    const titles = hostile().result.catalog.items.map((i) => i.title);
    expect(titles).toEqual(expect.arrayContaining(['UTF-16 little endian', 'UTF-16 big endian', 'UTF-8 with BOM', 'Windows line endings', 'Old Mac line endings']));
    expect(titles.join('')).not.toMatch(/[\uFEFF\r]/);
  });
});

function decodeHtml(html: string): string {
  return html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}
