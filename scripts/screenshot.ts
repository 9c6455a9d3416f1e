// Makes docs/screenshot-home.png, the README's picture of the home page: a build of seeds/
// served by the real server on 127.0.0.1 and photographed by Debian chromium.
// Usage: npm run screenshot [-- OUT.png [PATH]]   (PATH defaults to "/", the home page)
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { readSeeds } from '../src/ingest/read.js';
import { loadRules } from '../src/normalize/index.js';
import { runPipeline } from '../src/pipeline.js';
import { createApp, listen, SiteHolder } from '../src/publish/server.js';
import { launchChromium } from '../test/support/browser.js';

const ROOT = join(import.meta.dirname, '..');
const [out = join(ROOT, 'docs/screenshot-home.png'), path = '/'] = process.argv.slice(2);

const holder = new SiteHolder();
const server = await listen(createApp(holder, { accessLog: 'off' }), 0, '127.0.0.1');
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const read = await readSeeds(join(ROOT, 'seeds'));
holder.set(runPipeline(read.documents, { site: { title: 'Wirefeed', description: 'Clean news items from Wirefeed', url: base, author: { name: 'Wirefeed' } }, limit: 50, rules: loadRules() }).site);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 640 }, deviceScaleFactor: 1 });
  await page.goto(base + path, { waitUntil: 'load' });
  await page.screenshot({ path: out });
  process.stdout.write(`${out}\n`);
} finally {
  await browser.close();
  server.close();
}
