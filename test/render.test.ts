import Parser from 'rss-parser';
import { describe, expect, it } from 'vitest';
import { renderAtom } from '../src/render/atom.js';
import { renderJsonFeed } from '../src/render/jsonfeed.js';
import { renderRss } from '../src/render/rss.js';
import { renderIndex, renderItemPage } from '../src/render/html.js';
import { catalogOf, makeItem, SITE } from './support/items.js';

const parser = new Parser({ customFields: { item: [['dc:creator', 'creator'], ['content:encoded', 'contentEncoded']] } });

const hostile = makeItem('hostile', {
  title: 'AT&T <b>bold</b> "quoted" ]]> and ]]> again',
  summary: 'Summary with ]]> and \u0001control\u0008 chars & <tags>',
  contentHtml: '<p>Body with ]]> twice ]]> and &amp;amp; entity</p>',
  section: 'Business & <Money>',
  tags: [{ name: 'Q&A "quoted" <tag>', kind: 'topic' }],
});
const older = makeItem('older', { published: new Date('2023-05-06T07:08:09Z') });
const catalog = catalogOf([older, hostile]);

describe('RSS 2.0', () => {
  const xml = renderRss(SITE, catalog.main);
  it('is read back by rss-parser with every field equal to the item', async () => {
    const feed = await parser.parseString(xml);
    expect(feed.title).toBe(SITE.title);
    expect(feed.items).toHaveLength(2);
    const [first] = feed.items;
    expect(first?.title).toBe(hostile.title);
    expect(first?.guid).toBe(hostile.id);
    expect(first?.link).toBe('http://localhost:3000/items/hostile');
    expect(new Date(first?.pubDate ?? '').toISOString()).toBe(hostile.published.toISOString());
    // rss-parser keeps the domain attribute beside the text when a category has one.
    expect(first?.categories).toEqual([
      { _: 'Business & <Money>', $: { domain: 'http://localhost:3000/categories/' } },
      { _: 'Q&A "quoted" <tag>', $: { domain: 'http://localhost:3000/tags/' } },
    ]);
    expect((first as { creator?: string }).creator).toBe('Wirefeed');
    expect((first as { contentEncoded?: string }).contentEncoded).toBe(hostile.contentHtml);
    // description is HTML, so the plain-text summary arrives HTML-escaped.
    expect(first?.content).toBe('Summary with ]]&gt; and control chars &amp; &lt;tags&gt;');
  });
  it('orders items newest first', async () => {
    const feed = await parser.parseString(xml);
    expect(feed.items.map((i) => i.guid)).toEqual([hostile.id, older.id]);
  });
  // Pitfalls from docs: each one a test.
  it('writes "&" and "<" in plain text as hexadecimal references (RSS profile, validator CharacterData)', () => {
    expect(xml).toContain('<title>AT&#x26;T &#x3C;b&gt;bold&#x3C;/b&gt; &quot;quoted&quot; ]]&gt; and ]]&gt; again</title>');
  });
  it('never uses CDATA, so "]]>" in text cannot end a section', () => {
    expect(xml).not.toContain('<![CDATA[');
    expect(xml).not.toContain(']]>');
  });
  it('escapes attribute values', () => {
    expect(xml).toContain('domain="http://localhost:3000/categories/"');
    expect(xml).not.toMatch(/="[^"]*[<&](?!amp;|lt;|gt;|quot;|#39;)[^"]*"/);
  });
  it('strips XML-illegal control characters', () => {
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  });
  it('marks URN guids as not permalinks', () => {
    expect(xml).toContain(`<guid isPermaLink="false">${hostile.id}</guid>`);
  });
  it('puts names in dc:creator, never a bare name in <author>', () => {
    expect(xml).not.toContain('<author>');
    expect(xml).toContain('xmlns:dc="http://purl.org/dc/elements/1.1/"');
    expect(xml).toContain('<dc:creator>Wirefeed</dc:creator>');
  });
  it('puts full content in content:encoded and the summary in description', () => {
    expect(xml).toContain('xmlns:content="http://purl.org/rss/1.0/modules/content/"');
    expect(xml).toContain('<description>Summary of older.</description>');
    expect(xml).toContain('<content:encoded>&lt;p&gt;Body of older.&lt;/p&gt;</content:encoded>');
  });
  it('never prints "undefined"', () => {
    expect(xml).not.toContain('undefined');
  });
  it('dates the feed by its newest item, not by the clock', () => {
    expect(xml).toContain('<lastBuildDate>Tue, 02 Jan 2024 03:04:05 GMT</lastBuildDate>');
  });
  it('links itself at the exact URL it is served from', () => {
    expect(xml).toContain('<atom:link href="http://localhost:3000/rss.xml" rel="self" type="application/rss+xml"/>');
  });
});

describe('Atom 1.0', () => {
  const xml = renderAtom(SITE, catalog.main);
  it('is read back by rss-parser', async () => {
    const feed = await parser.parseString(xml);
    expect(feed.items.map((i) => i.id)).toEqual([hostile.id, older.id]);
    expect(feed.items[0]?.title).toBe(hostile.title);
    expect(feed.items[0]?.link).toBe('http://localhost:3000/items/hostile');
  });
  it('gives every category a term and every entry an author, id and updated', () => {
    expect(xml).toContain('<category term="Business &amp; &lt;Money&gt;" scheme="http://localhost:3000/categories/"/>');
    expect(xml).not.toMatch(/<category(?![^>]*term=)/);
    for (const entry of xml.split('<entry>').slice(1)) {
      expect(entry).toMatch(/<author><name>[^<]+<\/name>/);
      expect(entry).toMatch(/<updated>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/updated>/);
      expect(entry).toMatch(/<id>urn:uuid:[0-9a-f-]{36}<\/id>/);
    }
  });
  it('dates the feed by its newest item and links itself', () => {
    expect(xml).toContain('<updated>2024-01-02T03:04:05Z</updated>');
    expect(xml).toContain('<link rel="self" type="application/atom+xml" href="http://localhost:3000/atom.xml"/>');
  });
});

describe('JSON Feed 1.1', () => {
  const feed = JSON.parse(renderJsonFeed(SITE, catalog.main));
  it('declares version 1.1 with language and authors, not the deprecated author', () => {
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.language).toBe('en');
    expect(feed.authors).toEqual([{ name: 'Wirefeed' }]);
    expect(feed.author).toBeUndefined();
    expect(feed.feed_url).toBe('http://localhost:3000/feed.json');
  });
  it('gives each item a string id, the section as first tag, and both contents', () => {
    const [first] = feed.items;
    expect(first.id).toBe(hostile.id);
    expect(first.tags).toEqual(['Business & <Money>', 'Q&A "quoted" <tag>']);
    expect(first.content_html).toBe(hostile.contentHtml);
    expect(first.content_text).toBe(hostile.contentText);
    expect(first.date_published).toBe('2024-01-02T03:04:05Z');
    expect(first.author).toBeUndefined();
  });
});

describe('HTML pages', () => {
  it('escape everything and offer autodiscovery for the three feeds', () => {
    const html = renderIndex(catalog);
    expect(html).toContain('<link rel="alternate" type="application/rss+xml"');
    expect(html).toContain('<link rel="alternate" type="application/atom+xml"');
    expect(html).toContain('<link rel="alternate" type="application/feed+json"');
    expect(html).toContain('AT&amp;T &lt;b&gt;bold&lt;/b&gt;');
    expect(html).not.toContain('<b>bold</b>');
    expect(html).not.toMatch(/<script|style=/);
  });
  it('show the clean article on the item page', () => {
    const html = renderItemPage(catalog, older);
    expect(html).toContain('<p>Body of older.</p>');
    expect(html).toContain('<link rel="canonical" href="http://localhost:3000/items/older">');
    expect(html).toContain('<time datetime="2023-05-06T07:08:09Z">6 May 2023</time>');
  });
});
