// Tests of the validation harness itself: the hand-written valid feeds must pass every check
// and be read by every real reader, and each broken variant must be caught by the checker that
// owns its rule. Together they show the checks can fail, so a green feed test means something.

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireFile, runTool } from './support/run-tool.js';
import {
  atomRules,
  atomSchema,
  feedparserRead,
  gofeedRead,
  jsonFeedRules,
  newsboatRead,
  rssRules,
  sfeedRead,
  xmlWellFormed,
} from './support/validate.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/validate/', import.meta.url));
const fixturePath = (name: string) => join(FIXTURES, name);
const fixture = (name: string) => readFileSync(fixturePath(name), 'utf8');

// Tools start a JVM (jing) or compile Go once (gofeed); give them room on a busy CI machine.
const TOOL_TIMEOUT = 120_000;

/** The validator message names a checker reported, e.g. ["MissingAtomSelfLink"]. */
const messageNames = (problems: readonly string[]) => problems.map((problem) => problem.slice(0, problem.indexOf(':')));

/** The valid fixture with one change, failing loudly if the text to change is not there. */
function mutate(name: string, from: string, to: string): string {
  const text = fixture(name);
  if (!text.includes(from)) throw new Error(`${name} does not contain ${from}`);
  return text.replace(from, to);
}

describe('valid feeds pass every check', () => {
  it('RSS 2.0 is well-formed and breaks no RSS rule', async () => {
    const xml = fixture('valid.rss.xml');
    expect(await xmlWellFormed(xml)).toEqual([]);
    expect(rssRules(xml)).toEqual([]);
  });

  it('Atom 1.0 is well-formed, schema-valid and breaks no Atom rule', async () => {
    const xml = fixture('valid.atom.xml');
    expect(await xmlWellFormed(xml)).toEqual([]);
    expect(await atomSchema(xml)).toEqual([]);
    expect(atomRules(xml)).toEqual([]);
  }, TOOL_TIMEOUT);

  it('JSON Feed 1.1 matches the schema and the spec rules', () => {
    expect(jsonFeedRules(fixture('valid.feed.json'))).toEqual([]);
  });
});

describe('broken fixtures are caught by the checker that owns the rule', () => {
  it.each([
    ['rss-author-bare-name.xml', 'InvalidContact'],
    ['rss-guid-not-url.xml', 'InvalidHttpGUID'],
    ['rss-missing-self.xml', 'MissingAtomSelfLink'],
  ])('rssRules: %s → %s', (name, message) => {
    expect(messageNames(rssRules(fixture(name)))).toEqual([message]);
  });

  it.each([['rss-unescaped-amp-attr.xml'], ['rss-cdata-second-close.xml']])(
    'xmlWellFormed: %s is not well-formed XML',
    async (name) => {
      const problems = await xmlWellFormed(fixture(name));
      expect(problems.length).toBeGreaterThan(0);
      expect(messageNames(problems)).toContain('SAXError');
    },
  );

  it('atomSchema and atomRules: a category without term', async () => {
    const xml = fixture('atom-category-no-term.xml');
    expect((await atomSchema(xml)).join('\n')).toMatch(/missing required attribute "term"/);
    expect(messageNames(atomRules(xml))).toEqual(['MissingAttribute']);
  }, TOOL_TIMEOUT);

  it('atomSchema and atomRules: an entry without updated', async () => {
    const xml = fixture('atom-entry-no-updated.xml');
    expect((await atomSchema(xml)).join('\n')).toMatch(/missing required element "updated"/);
    expect(atomRules(xml)).toEqual([expect.stringMatching(/^MissingElement: .*entry\[2\] has no updated/)]);
  }, TOOL_TIMEOUT);

  it('atomRules: an entry without author in a feed without author (jing skips that Schematron rule)', async () => {
    const xml = fixture('atom-entry-no-author.xml');
    expect(await atomSchema(xml)).toEqual([]);
    expect(atomRules(xml)).toEqual([expect.stringMatching(/^MissingElement: .*entry\[1\] has no author/)]);
  }, TOOL_TIMEOUT);

  it('jsonFeedRules: version 1 is not a JSON Feed 1.1', () => {
    expect(jsonFeedRules(fixture('jsonfeed-version-1.json'))).toEqual([expect.stringMatching(/^Schema: \/version must be equal to constant/)]);
  });

  it('jsonFeedRules: a numeric item id', () => {
    expect(jsonFeedRules(fixture('jsonfeed-numeric-id.json'))).toEqual([expect.stringMatching(/^Schema: \/items\/1\/id must be string/)]);
  });

  it('jsonFeedRules: duplicate item ids', () => {
    expect(jsonFeedRules(fixture('jsonfeed-duplicate-ids.json'))).toEqual([
      'DuplicateEntries: two items have the id "https://example.org/posts/first"',
    ]);
  });
});

describe('rssRules implements the validator rules', () => {
  it.each([
    ['a missing channel description', 'MissingDescription', '    <description>A hand-written RSS 2.0 feed that the strict harness must accept.</description>\n', ''],
    ['a date that is not RFC 822', 'InvalidRFC2822Date', '<pubDate>Mon, 01 Jan 2024 09:00:00 GMT</pubDate>', '<pubDate>2024-01-01T09:00:00Z</pubDate>'],
    ['a two-digit year', 'InvalidRFC2822Date', '<pubDate>Mon, 01 Jan 2024 09:00:00 GMT</pubDate>', '<pubDate>Mon, 01 Jan 24 09:00:00 GMT</pubDate>'],
    ['a wrong day of the week', 'IncorrectDOW', '<pubDate>Mon, 01 Jan 2024 09:00:00 GMT</pubDate>', '<pubDate>Tue, 01 Jan 2024 09:00:00 GMT</pubDate>'],
    ['a date in the future', 'ImplausibleDate', '<pubDate>Mon, 01 Jan 2024 09:00:00 GMT</pubDate>', '<pubDate>Fri, 01 Jan 2100 09:00:00 GMT</pubDate>'],
    ['an author address without a name', 'MissingRealName', '<author>jane@example.org (Jane Doe)</author>', '<author>jane@example.org</author>'],
    ['dc:creator next to author', 'DuplicateItemSemantics', '<author>jane@example.org (Jane Doe)</author>', '<author>jane@example.org (Jane Doe)</author><dc:creator>Jane</dc:creator>'],
    ['a tag: guid claimed as permalink', 'InvalidPermalink', '<guid isPermaLink="false">tag:', '<guid>tag:'],
    ['a duplicate guid', 'DuplicateValue', '<guid isPermaLink="false">tag:example.org,2024:second</guid>', '<guid>https://example.org/posts/first</guid>'],
    ['an item without guid', 'MissingGuid', '<guid isPermaLink="false">tag:example.org,2024:second</guid>', ''],
    ['a relative self link', 'RelativeSelf', 'href="https://example.org/feed.rss"', 'href="/feed.rss"'],
    ['a self link typed as Atom', 'SelfNotAtom', 'type="application/rss+xml"', 'type="application/atom+xml"'],
    ['a script in the description', 'SecurityRisk', '&lt;p&gt;Escaped', '&lt;script&gt;alert(1)&lt;/script&gt;&lt;p&gt;Escaped'],
    ['an iframe in content:encoded', 'SecurityRisk', '<p>Hello', '<iframe src="https://example.org/x"></iframe><p>Hello'],
    ['an on* handler', 'SecurityRiskAttr', '<p>Hello', '<p onclick="steal()">Hello'],
    ['a javascript: URL', 'SecurityRisk', 'href="https://example.org/about"', 'href="javascript:alert(1)"'],
    ['a relative link in content', 'ContainsRelRef', 'href="https://example.org/about"', 'href="/about"'],
    ['a relative image', 'ContainsRelRef', 'src="https://example.org/a.png"', 'src="a.png"'],
    ['escaped HTML cut short', 'NotHtml', '&lt;/em&gt; description.&lt;/p&gt;', '…'],
    ['a stray end tag in content:encoded', 'NotHtml', '<p>Hello', '</div><p>Hello'],
    ['a "<" in a title escaped as &lt;', 'CharacterData', '<title>First post</title>', '<title>Using &lt;details&gt;</title>'],
    ['HTML in a title', 'ContainsHTML', '<title>First post</title>', '<title>&lt;b&gt;First&lt;/b&gt; post</title>'],
    ['an unknown core element', 'UndefinedElement', '<title>First post</title>', '<title>First post</title><subtitle>x</subtitle>'],
    ['an item before channel metadata', 'MisplacedItem', '    <language>en</language>\n', '', (xml: string) => xml.replace('</channel>', '<language>en</language></channel>')],
    ['content:encoded without a description first', 'NeedDescriptionBeforeContent', '<description>Short &amp; sweet summary.</description>', ''],
    ['an item with neither title nor description', 'ItemMustContainTitleOrDescription', '<title>Second post</title>', '', (xml: string) => xml.replace(/<description>&lt;p&gt;Escaped.*<\/description>/, '')],
    ['an XML-illegal character reference', 'SAXError', 'Short &amp; sweet', 'Short &#1; sweet'],
    ['a C1 control character', 'BadCharacters', 'Short &amp; sweet', 'Short &#150; sweet'],
    ['an enclosure without length', 'MissingAttribute', '<author>', '<enclosure url="https://example.org/a.mp3" type="audio/mpeg"/><author>'],
    ['an unknown language code', 'InvalidLanguage', '<language>en</language>', '<language>english</language>'],
  ] as const)('%s → %s', (_case, message, from, to, also?: (xml: string) => string) => {
    const xml = mutate('valid.rss.xml', from, to);
    expect(messageNames(rssRules(also ? also(xml) : xml))).toEqual([message]);
  });
});

describe('Media RSS and RFC 5005 extensions the validator accepts', () => {
  const withMedia = (content: string): string =>
    mutate('valid.rss.xml', 'xmlns:content=', 'xmlns:media="http://search.yahoo.com/mrss/" xmlns:fh="http://purl.org/syndication/history/1.0" xmlns:content=').replace('<item>', `<item>${content}`);
  it('accepts media:content with a full url and fh:archive on the channel', () => {
    expect(rssRules(withMedia('<media:content url="https://example.org/a.jpg" medium="image"/>').replace('<item>', '<fh:archive/><item>'))).toEqual([]);
  });
  it.each([
    ['<media:content medium="image"/>', 'MissingAttribute'],
    ['<media:content url="a.jpg"/>', 'InvalidFullLink'],
    ['<media:content url="https://example.org/a.jpg" medium="picture"/>', 'InvalidMediaMedium'],
  ])('%s → %s', (content, message) => {
    expect(messageNames(rssRules(withMedia(content)))).toEqual([message]);
  });
});

describe('the RSS profile\'s character data rule', () => {
  it('accepts "<" in plain text written as a hexadecimal reference', () => {
    expect(rssRules(mutate('valid.rss.xml', '<title>First post</title>', '<title>Using &#x3C;details&#x3E;</title>'))).toEqual([]);
  });
});

describe('undeclared namespace prefixes', () => {
  it('are namespace errors for xmllint and MissingNamespace for rssRules, which then cannot know the element', async () => {
    const xml = mutate('valid.rss.xml', ' xmlns:dc="http://purl.org/dc/elements/1.1/"', '');
    expect((await xmlWellFormed(xml)).join('\n')).toMatch(/Namespace prefix dc on creator is not defined/);
    expect(messageNames(rssRules(xml))).toEqual(['MissingNamespace', 'UndefinedElement']);
  });
});

describe('atomRules implements the validator rules', () => {
  it.each([
    ['no self link', 'MissingSelf', '  <link rel="self" type="application/atom+xml" href="https://example.org/feed.atom"/>\n', ''],
    ['a relative self link', 'RelativeSelf', 'href="https://example.org/feed.atom"', 'href="feed.atom"'],
    ['an entry without an alternate link', 'MissingAlternateLink', '    <link href="https://example.org/posts/second"/>\n', ''],
    ['a relative id', 'InvalidFullLink', '<id>https://example.org/posts/first</id>', '<id>/posts/first</id>'],
    ['a non-canonical id', 'NonCanonicalURI', '<id>https://example.org/posts/first</id>', '<id>HTTPS://Example.org:443/posts/first</id>'],
    ['a malformed tag: id', 'InvalidTAG', '<id>tag:example.org,2024:second</id>', '<id>tag:example.org:second</id>'],
    ['a duplicate entry id', 'DuplicateEntries', '<id>tag:example.org,2024:second</id>', '<id>https://example.org/posts/first</id>'],
    ['a date without time zone', 'InvalidRFC3339Date', '<updated>2024-01-02T10:30:00+00:00</updated>', '<updated>2024-01-02T10:30:00</updated>'],
    ['a date that does not exist', 'InvalidRFC3339Date', '<updated>2024-01-02T10:30:00+00:00</updated>', '<updated>2023-02-29T10:30:00Z</updated>'],
    ['two entries updated at the same instant', 'DuplicateUpdated', '<updated>2024-01-02T10:30:00+00:00</updated>', '<updated>2024-01-01T09:00:00Z</updated>'],
    ['whitespace around an id', 'UnexpectedWhitespace', '<id>tag:example.org,2024:second</id>', '<id> tag:example.org,2024:second </id>'],
    ['a blank category term', 'AttrNotBlank', '<category term="news"', '<category term=" "'],
    ['a script in html content', 'SecurityRisk', '&lt;p&gt;Hello', '&lt;script&gt;x()&lt;/script&gt;&lt;p&gt;Hello'],
    ['a relative link in html content', 'ContainsRelRef', 'href="https://example.org/about"', 'href="about"'],
    ['an event handler in xhtml content', 'SecurityRiskAttr', '<p>Inline', '<p onmouseover="x()">Inline'],
    ['a blank summary', 'NotBlank', '<summary>Short &amp; sweet summary.</summary>', '<summary></summary>'],
    ['content by src without a type', 'MissingTypeAttr', '<content type="html">&lt;p&gt;Hello &lt;a href="https://example.org/about"&gt;world&lt;/a&gt;&lt;/p&gt;</content>', '<content src="https://example.org/posts/first.html"/>'],
    ['HTML in a text construct', 'ContainsUndeclaredHTML', '<summary>Short &amp; sweet summary.</summary>', '<summary>&lt;p&gt;Short&lt;/p&gt;</summary>'],
    ['an entry with neither content nor summary', 'MissingTextualContent', '    <content type="xhtml">', '    <rights type="xhtml">', (xml: string) => xml.replace('</div></content>', '</div></rights>')],
    ['an unregistered link relation', 'UnregisteredAtomLinkRel', '<link href="https://example.org/posts/second"/>', '<link href="https://example.org/posts/second"/><link rel="sibling" href="https://example.org/"/>'],
    ['an invalid author email', 'InvalidAddrSpec', '<email>jane@example.org</email>', '<email>jane at example.org</email>'],
    ['metadata after the first entry', 'MisplacedMetadata', '  <subtitle>A hand-written Atom 1.0 feed that the strict harness must accept.</subtitle>\n', '', (xml: string) => xml.replace('</feed>', '<subtitle>late</subtitle></feed>')],
  ] as const)('%s → %s', (_case, message, from, to, also?: (xml: string) => string) => {
    const xml = mutate('valid.atom.xml', from, to);
    expect(messageNames(atomRules(also ? also(xml) : xml))).toEqual([message]);
  });
});

describe('jsonFeedRules implements the spec rules', () => {
  type JsonFeed = Record<string, unknown>;
  const firstItem = (feed: JsonFeed) => (feed.items as JsonFeed[])[0] as JsonFeed;
  const cases: Array<[string, (feed: JsonFeed) => void, RegExp]> = [
    ['the deprecated author field', (feed) => { feed.author = { name: 'Jane Doe' }; }, /^Schema: \/author must NOT be valid \('author' is deprecated/],
    ['an item without content', (feed) => { delete firstItem(feed).content_html; }, /^Schema: \/items\/0 must have required property 'content_html'/],
    ['an empty authors entry', (feed) => { feed.authors = [{}]; }, /^Schema: \/authors\/0 must have required property 'name'/],
    ['tags that are not strings', (feed) => { firstItem(feed).tags = [1]; }, /^Schema: \/items\/0\/tags\/0 must be string/],
    ['an attachment without mime_type', (feed) => { firstItem(feed).attachments = [{ url: 'https://example.org/a.mp3' }]; }, /^Schema: \/items\/0\/attachments\/0 must have required property 'mime_type'/],
    ['a hub without type', (feed) => { feed.hubs = [{ url: 'https://example.org/hub' }]; }, /^Schema: \/hubs\/0 must have required property 'type'/],
    ['expired that is not a boolean', (feed) => { feed.expired = 'yes'; }, /^Schema: \/expired must be boolean/],
    ['an unknown key', (feed) => { feed.homepage = 'https://example.org/'; }, /^Schema: \/ must NOT have additional properties/],
    ['a relative feed_url', (feed) => { feed.feed_url = '/feed.json'; }, /^Schema: \/feed_url must match format "uri"/],
    ['a date that is not RFC 3339', (feed) => { firstItem(feed).date_published = '2024-01-01 09:00'; }, /^Schema: \/items\/0\/date_published must match format "date-time"/],
    ['a missing feed_url', (feed) => { delete feed.feed_url; }, /^MissingElement: \/feed_url is required/],
    ['next_url equal to feed_url', (feed) => { feed.next_url = feed.feed_url; }, /^DuplicateValue: \/next_url must not be the same as feed_url/],
    ['a non-http item url', (feed) => { firstItem(feed).url = 'mailto:jane@example.org'; }, /^InvalidURLAttribute: \/items\/0\/url/],
    ['an implausible date', (feed) => { firstItem(feed).date_published = '1970-01-01T00:00:00Z'; }, /^ImplausibleDate: \/items\/0\/date_published/],
    ['dangerous content_html', (feed) => { firstItem(feed).content_html = '<p onclick="x()">Hi</p>'; }, /^SecurityRiskAttr: \/items\/0\/content_html/],
  ];

  it.each(cases)('%s', (_case, change, expected) => {
    const feed = JSON.parse(fixture('valid.feed.json')) as JsonFeed;
    change(feed);
    expect(jsonFeedRules(JSON.stringify(feed))).toContainEqual(expect.stringMatching(expected));
  });

  it('reports text that is not JSON instead of throwing', () => {
    expect(jsonFeedRules('{"version": ')).toEqual([expect.stringMatching(/^InvalidJSON: /)]);
  });
});

describe('real readers read the valid feeds', () => {
  const titles = ['First post', 'Second post'];
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    // newsboat fetches over HTTP; serve the fixtures on loopback only.
    server = createServer((request, response) => {
      try {
        const body = fixture(decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname.slice(1)));
        response.writeHead(200, { 'content-type': request.url?.endsWith('.json') ? 'application/feed+json' : 'application/xml' });
        response.end(body);
      } catch {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([['valid.rss.xml', 'rss20'], ['valid.atom.xml', 'atom10']])('feedparser reads %s without bozo', async (name, version) => {
    const result = await feedparserRead(fixturePath(name));
    expect(result).toMatchObject({ bozo: 0, version, feed: { title: 'Wirefeed fixture', link: 'https://example.org/' } });
    expect(result.entries.map((entry) => [entry.title, entry.link, entry.id])).toEqual([
      ['First post', 'https://example.org/posts/first', 'https://example.org/posts/first'],
      ['Second post', 'https://example.org/posts/second', 'tag:example.org,2024:second'],
    ]);
    expect(result.entries[0]).toMatchObject({ published: '2024-01-01T09:00:00Z', tags: ['news'] });
  }, TOOL_TIMEOUT);

  it('feedparser flags a feed that is not well-formed (bozo)', async () => {
    const result = await feedparserRead(fixturePath('rss-unescaped-amp-attr.xml'));
    expect(result.bozo).toBe(1);
    expect(result.bozoException).toMatch(/not well-formed/);
  }, TOOL_TIMEOUT);

  it.each([['valid.rss.xml'], ['valid.atom.xml']])('sfeed reads %s', async (name) => {
    const items = await sfeedRead(fixture(name));
    expect(items.map((item) => [item.title, item.link, item.id, item.timestamp])).toEqual([
      ['First post', 'https://example.org/posts/first', 'https://example.org/posts/first', Date.UTC(2024, 0, 1, 9) / 1000],
      ['Second post', 'https://example.org/posts/second', 'tag:example.org,2024:second', Date.UTC(2024, 0, 2, 10, 30) / 1000],
    ]);
    expect(items[0]?.categories).toEqual(['news']);
  }, TOOL_TIMEOUT);

  it.each([
    ['valid.rss.xml', 'rss'],
    ['valid.atom.xml', 'atom'],
    ['valid.feed.json', 'json'],
  ])('gofeed reads %s', async (name, feedType) => {
    const result = await gofeedRead(fixturePath(name));
    expect(result).toMatchObject({ feedType, title: 'Wirefeed fixture', link: 'https://example.org/' });
    expect(result.error).toBeUndefined();
    expect(result.items.map((item) => [item.title, item.link, item.guid, item.published])).toEqual([
      ['First post', 'https://example.org/posts/first', 'https://example.org/posts/first', '2024-01-01T09:00:00Z'],
      ['Second post', 'https://example.org/posts/second', 'tag:example.org,2024:second', '2024-01-02T10:30:00Z'],
    ]);
  }, TOOL_TIMEOUT);

  it('gofeed reports a document it cannot read', async () => {
    expect((await gofeedRead('{"not": "a feed"')).error).toBeTruthy();
  }, TOOL_TIMEOUT);

  it.each([['valid.rss.xml'], ['valid.atom.xml']])('newsboat reads %s over HTTP', async (name) => {
    const result = await newsboatRead(`${baseUrl}/${name}`);
    expect(result.errors).toEqual([]);
    expect(result.title).toBe('Wirefeed fixture');
    expect(result.items.map((item) => item.title).sort()).toEqual(titles);
    expect(result.items.find((item) => item.title === 'First post')).toMatchObject({
      url: 'https://example.org/posts/first',
      published: '2024-01-01T09:00:00.000Z',
    });
  }, TOOL_TIMEOUT);

  it('newsboat reports a feed it cannot read', async () => {
    const result = await newsboatRead(`${baseUrl}/valid.feed.json`);
    expect(result.items).toEqual([]);
    expect(result.errors.join('\n')).toMatch(/valid\.feed\.json/);
  }, TOOL_TIMEOUT);
});

describe('rule checkers report problems and never throw', () => {
  it.each([[''], ['not a feed'], ['<rss'], ['{"version": "https://jsonfeed.org/version/1.1"}'], ['<feed xmlns="http://www.w3.org/2005/Atom"><entry/></feed>']])(
    '%j',
    (input) => {
      for (const check of [rssRules, atomRules, jsonFeedRules]) expect(check(input).length).toBeGreaterThan(0);
    },
  );
});

describe('a missing tool fails loudly', () => {
  const absent = { command: '/nonexistent/wirefeed-no-such-tool', debianPackage: 'wirefeed-imaginary' };

  it('names the Debian package of a command to install', async () => {
    await expect(runTool(absent, [])).rejects.toThrow(/install the Debian package wirefeed-imaginary/);
  });

  it('names the Debian package of missing files to install', () => {
    expect(() => requireFile(absent)).toThrow(/install the Debian package wirefeed-imaginary/);
  });

  it.each([
    ['xmlWellFormed', () => xmlWellFormed('<rss/>'), 'libxml2-utils'],
    ['atomSchema', () => atomSchema('<feed/>'), 'jing'],
    ['sfeedRead', () => sfeedRead('<rss/>'), 'sfeed'],
    ['newsboatRead', () => newsboatRead('http://127.0.0.1:9/'), 'newsboat'],
  ] as const)('%s throws when its tool is not on PATH', async (_name, use, debianPackage) => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(use()).rejects.toThrow(`install the Debian package ${debianPackage}`);
    } finally {
      process.env.PATH = path;
    }
  });
});
