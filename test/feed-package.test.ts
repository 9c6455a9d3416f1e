// Why Wirefeed renders feeds itself: the `feed` package (checked at the installed 6.x) gets the
// documented pitfalls wrong on the same item. These tests pin that finding; if a `feed` release
// fixes them, they fail and the decision deserves another look.
import { Feed } from 'feed';
import { describe, expect, it } from 'vitest';
import { renderRss } from '../src/render/rss.js';
import { renderAtom } from '../src/render/atom.js';
import { renderJsonFeed } from '../src/render/jsonfeed.js';
import { atomRules, jsonFeedRules, rssRules, xmlWellFormed } from './support/validate.js';
import { catalogOf, makeItem, SITE } from './support/items.js';

const item = makeItem('pitfalls', {
  title: 'Markets ]]> rally ]]> again',
  summary: 'Up ]]> and up ]]> again \u0001',
  section: 'AT&T "quoted"',
  tags: [],
  author: 'Ana Reporter',
});

function withFeedPackage(): Feed {
  const feed = new Feed({ title: SITE.title, id: `${SITE.url}/`, link: `${SITE.url}/`, copyright: '', feedLinks: { rss: `${SITE.url}/rss.xml` }, author: { name: 'Wirefeed' } });
  feed.addItem({
    title: item.title,
    id: item.id,
    link: `${SITE.url}/items/${item.key}`,
    date: item.published,
    description: item.summary,
    content: item.contentHtml,
    category: [{ name: item.section, domain: `${SITE.url}/categories/?a=1&b=2` }, { term: 'term only' }],
    author: [{ name: item.author! }],
  });
  return feed;
}

describe('the feed package, on an item Wirefeed publishes cleanly', () => {
  const ours = catalogOf([item]);
  it('breaks RSS well-formedness on a second "]]>" and an unescaped "&" in an attribute; ours is well-formed', async () => {
    expect((await xmlWellFormed(withFeedPackage().rss2())).length).toBeGreaterThan(0);
    expect(await xmlWellFormed(renderRss(SITE, ours.main))).toEqual([]);
  });
  it('writes a bare name in <author>, "undefined" as a category and "now" as lastBuildDate; ours does none', () => {
    const rss = withFeedPackage().rss2();
    expect(rss).toContain('<author>Ana Reporter</author>');
    expect(rss).toContain('<category>undefined</category>');
    expect(rss).not.toContain(`<lastBuildDate>${item.published.toUTCString()}</lastBuildDate>`);
    const mine = renderRss(SITE, ours.main);
    expect(rssRules(mine)).toEqual([]);
    expect(mine).toContain(`<lastBuildDate>${item.published.toUTCString()}</lastBuildDate>`);
  });
  it('writes an Atom category without term and an updated date of "now"; ours passes the Atom rules', () => {
    const atom = withFeedPackage().atom1();
    expect(atom).toMatch(/<category label="[^"]*"\/>/);
    expect(atomRules(renderAtom(SITE, ours.main))).toEqual([]);
  });
  it('writes JSON Feed 1.0 with the deprecated author and a control character; ours is valid 1.1', () => {
    const json = JSON.parse(withFeedPackage().json1());
    expect(json.version).toBe('https://jsonfeed.org/version/1');
    expect(json.author).toBeDefined();
    expect(json.items[0].summary).toContain('\u0001');
    expect(jsonFeedRules(renderJsonFeed(SITE, ours.main))).toEqual([]);
  });
});
