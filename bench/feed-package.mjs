// The `feed` npm package alone rendering the same items in RSS 2.0, Atom 1.0
// and JSON Feed, full content: the cost of the formats without a publisher.
// Items come from Wirefeed's item cache, filled by the build just before (one
// folder per code-and-rules fingerprint, one file per shard), so this process
// spends its time in `feed`. Usage: node feed-package.mjs CACHE_DIR
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Feed } from 'feed';
import { readItemShard } from '../dist/build/item-shard.js';

const [cacheDir] = process.argv.slice(2);
const folders = readdirSync(join(cacheDir, 'items'));
if (folders.length !== 1) throw new Error(`expected one cache folder in ${cacheDir}/items, found ${folders.length}; build first`);
const shards = readdirSync(join(cacheDir, 'items', folders[0])).filter((name) => /^[0-9a-f]{2}$/.test(name));
// Bodies are read before the clock starts: the cache leaves them on disk until first use.
const items = shards.flatMap((name) => [...readItemShard(join(cacheDir, 'items', folders[0], name)).values()]);
for (const item of items) void item.contentHtml;
items.sort((a, b) => b.published - a.published);

const started = performance.now();
const feed = new Feed({ title: 'Bench', description: 'Bench', id: 'http://localhost:3000/', link: 'http://localhost:3000/', copyright: '', updated: items[0].updated });
for (const item of items) {
  feed.addItem({ title: item.title, id: item.id, link: `http://localhost:3000/items/${item.key}`, description: item.summary, content: item.contentHtml, date: item.updated, published: item.published, category: item.tags.map((t) => ({ name: t.name })) });
}
const bytes = feed.rss2().length + feed.atom1().length + feed.json1().length;
const ms = performance.now() - started;
process.stdout.write(JSON.stringify({ items: items.length, renderMs: Math.round(ms), bytes }) + '\n');
