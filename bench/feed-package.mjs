// The `feed` npm package alone rendering the same items in RSS 2.0, Atom 1.0
// and JSON Feed, full content: the cost of the formats without a publisher.
// Items come from Wirefeed's item cache (filled by the build just before), so
// this process spends its time in `feed`. Usage: node feed-package.mjs SEEDS CACHE_DIR
import { Feed } from 'feed';
import { ItemCache } from '../dist/build/cache.js';
import { readSeeds } from '../dist/ingest/read.js';
import { loadRules } from '../dist/normalize/index.js';
import { prepareDocuments } from '../dist/pipeline.js';

const [seeds, cacheDir] = process.argv.slice(2);
const read = await readSeeds(seeds);
const prepared = prepareDocuments(read.documents, { site: { title: 'Bench', description: 'Bench', url: 'http://localhost:3000', author: { name: 'Bench' } }, limit: 50, rules: loadRules() });
const cache = ItemCache.open(cacheDir, prepared);
const items = [];
for (const source of prepared.sources) {
  const item = await cache.get(cache.keyOf(source, prepared.repeated));
  if (item) items.push(item);
}
if (items.length < prepared.sources.length) throw new Error(`only ${items.length} of ${prepared.sources.length} items in the cache; build first`);

const started = performance.now();
const feed = new Feed({ title: 'Bench', description: 'Bench', id: 'http://localhost:3000/', link: 'http://localhost:3000/', copyright: '', updated: items[0].updated });
for (const item of items) {
  feed.addItem({ title: item.title, id: item.id, link: `http://localhost:3000/items/${item.key}`, description: item.summary, content: item.contentHtml, date: item.updated, published: item.published, category: item.tags.map((t) => ({ name: t.name })) });
}
const bytes = feed.rss2().length + feed.atom1().length + feed.json1().length;
const ms = performance.now() - started;
process.stdout.write(JSON.stringify({ items: items.length, renderMs: Math.round(ms), bytes }) + '\n');
