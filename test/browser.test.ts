// The HTML pages in a real browser (Debian chromium, headless), served by the real server on
// 127.0.0.1: they load without console errors or CSP violations, offer every feed for
// autodiscovery, read the same without JavaScript, and show hostile text as text.
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemUrl } from '../src/catalog/index.js';
import { readSeeds } from '../src/ingest/read.js';
import { loadRules } from '../src/normalize/index.js';
import { runPipeline, type PipelineResult } from '../src/pipeline.js';
import { CSP } from '../src/publish/http/responses.js';
import { createApp, listen, SiteHolder } from '../src/publish/server.js';
import { renderSite } from '../src/publish/site.js';
import { launchChromium } from './support/browser.js';
import { catalogOf, makeItem } from './support/items.js';

const ROOT = join(import.meta.dirname, '..');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const TIMEOUT = 120_000;

interface Served {
  base: string;
  result: PipelineResult;
  server: Server;
}

/** Builds `seeds` for the address the server got, so every absolute link on the pages leads back to it. */
async function serve(seeds: string, limit: number): Promise<Served> {
  const holder = new SiteHolder();
  const server = await listen(createApp(holder, { accessLog: 'off' }), 0, '127.0.0.1');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const read = await readSeeds(seeds);
  const result = runPipeline(read.documents, { site: { title: 'Wirefeed', description: 'Clean news items from Wirefeed', url: base, author: { name: 'Wirefeed' } }, limit, rules: loadRules() });
  holder.set(result.site);
  return { base, result, server };
}

/** Everything that went wrong while a page loaded, as readable lines; empty when it loaded cleanly. */
interface Visit {
  page: Page;
  problems: string[];
}

// Registered before any page script could run; CSP reports reach it even though pages have no script.
const RECORD_CSP = `document.addEventListener('securitypolicyviolation', (e) => { (window.__csp ??= []).push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')); });`;

/** `images`: the document's own image URLs, answered with a blank pixel (a hostile document may name a broken one). */
async function visit(context: BrowserContext, url: string, images: readonly string[] = []): Promise<Visit> {
  const page = await context.newPage();
  for (const image of images) await page.route(image, (route) => route.fulfill({ contentType: 'image/png', body: PIXEL }));
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  const response = await page.goto(url, { waitUntil: 'load' });
  if (response?.status() !== 200) problems.push(`HTTP ${response?.status()} for the page itself`);
  if (context !== noScript) problems.push(...(await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])).map((line) => `CSP: ${line}`));
  return { page, problems };
}

const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

let browser: Browser;
let withScript: BrowserContext;
let noScript: BrowserContext;
let seeds: Served;
let hostile: Served;

beforeAll(async () => {
  [browser, seeds, hostile] = await Promise.all([launchChromium(), serve(join(ROOT, 'seeds'), 50), serve(join(ROOT, 'test/fixtures/hostile'), 4)]);
  withScript = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  await withScript.addInitScript(RECORD_CSP);
  noScript = await browser.newContext({ javaScriptEnabled: false });
  // Article images are hot-linked from their sources; the tests stay offline and get a blank pixel instead.
  for (const context of [withScript, noScript]) {
    await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/]|control\.test\/)/, (route) => route.fulfill({ contentType: 'image/png', body: PIXEL }));
  }
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  seeds?.server.close();
  hostile?.server.close();
});

describe('the problem recorder', () => {
  it('sees CSP violations and console errors, so the clean results below mean something', async () => {
    await withScript.route('http://control.test/', (route) =>
      route.fulfill({ contentType: 'text/html', headers: { 'Content-Security-Policy': CSP }, body: '<p style="color:red">x</p><script>console.error("ran")</script><img src="/missing.png">' }),
    );
    await withScript.route('http://control.test/missing.png', (route) => route.fulfill({ status: 404, body: '' }));
    const { page, problems } = await visit(withScript, 'http://control.test/');
    await page.close();
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^CSP: style-src/), expect.stringMatching(/^CSP: script-src/), expect.stringMatching(/HTTP 404/)]));
  });
});

describe.each([
  ['home', (s: Served) => '/'],
  ['section', (s: Served) => s.result.catalog.sections[0]!.feeds[0]!.page],
  ['item', (s: Served) => new URL(itemUrl(s.result.catalog.site, s.result.catalog.items[0]!)).pathname],
])('the %s page of the seeds build', (_, pathOf) => {
  it('loads with no console error, failed request or CSP violation', async () => {
    const { page, problems } = await visit(withScript, seeds.base + pathOf(seeds));
    expect(problems).toEqual([]);
    await page.close();
  });

  it('offers RSS, Atom and JSON Feed for autodiscovery, each served with its type, and a canonical link', async () => {
    const path = pathOf(seeds);
    const { page } = await visit(withScript, seeds.base + path);
    expect(await page.locator('link[rel=canonical]').getAttribute('href')).toBe(seeds.base + path);
    for (const [type, served] of [
      ['application/rss+xml', /^application\/rss\+xml/],
      ['application/atom+xml', /^application\/atom\+xml/],
      ['application/feed+json', /^application\/feed\+json/],
    ] as const) {
      const hrefs = await page.locator(`link[rel=alternate][type="${type}"]`).evaluateAll((links) => links.map((l) => (l as HTMLLinkElement).href));
      expect(hrefs.length, type).toBeGreaterThan(0);
      for (const href of hrefs) {
        const response = await withScript.request.get(href);
        expect(response.status(), href).toBe(200);
        expect(response.headers()['content-type'], href).toMatch(served);
      }
    }
    await page.close();
  });

  it('reads the same without JavaScript: no script at all, every heading and link there', async () => {
    const path = pathOf(seeds);
    const { page, problems } = await visit(noScript, seeds.base + path);
    expect(problems).toEqual([]);
    expect(await page.locator('script, noscript').count()).toBe(0);
    const { page: scripted } = await visit(withScript, seeds.base + path);
    expect(await page.locator('main').innerText()).toBe(await scripted.locator('main').innerText());
    expect(await page.locator('a').count()).toBe(await scripted.locator('a').count());
    // The stylesheet applies without script too: the site header has its rule.
    const rule = (p: Page): Promise<string> => p.locator('header.site').evaluate((el) => getComputedStyle(el).borderBottomStyle);
    expect(await rule(page)).not.toBe('none');
    expect(await rule(page)).toBe(await rule(scripted));
    await Promise.all([page.close(), scripted.close()]);
  });
});

describe('the seeds home page', () => {
  it('lists the latest items with their summaries, sections and tags, and is kept as a screenshot', async () => {
    const { page, problems } = await visit(withScript, `${seeds.base}/`);
    expect(problems).toEqual([]);
    const items = seeds.result.catalog.main.items;
    expect(await page.locator('article.summary h2').allInnerTexts()).toEqual(items.map((item) => item.title));
    expect(await page.locator('article.summary .section').allInnerTexts()).toEqual(items.map((item) => expect.stringMatching(new RegExp(`^${item.section}$`, 'i'))));
    expect(await page.locator('article.summary .tags li').allInnerTexts()).toEqual(items.flatMap((item) => item.tags.map((t) => t.name)));
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'home.png'), fullPage: true });
    await page.close();
  });
});

describe('the hostile build in the browser', () => {
  const hostileItems = (): PipelineResult['catalog']['items'] => hostile.result.catalog.items.filter((item) => /[<>&"]/.test(item.title));

  it('has hostile titles to show', () => {
    expect(hostileItems().map((item) => item.title)).toEqual(expect.arrayContaining([expect.stringContaining('<'), expect.stringContaining('&')]));
  });

  it('shows every hostile title as text on the home page, its section page and its own page, and runs nothing', async () => {
    for (const item of hostileItems()) {
      const section = hostile.result.catalog.sections.find((s) => s.name === item.section)!;
      for (const path of ['/', section.feeds[0]!.page]) {
        const { page, problems } = await visit(withScript, hostile.base + path);
        expect(problems, path).toEqual([]);
        if (hostile.result.site.get(path)!.body.toString().includes(itemUrl(hostile.result.catalog.site, item))) {
          expect(await page.locator('article.summary h2').allInnerTexts(), path).toContain(item.title);
        }
        expect(await page.locator('script, iframe, object, embed').count(), path).toBe(0);
        await page.close();
      }
      const { page, problems } = await visit(withScript, itemUrl(hostile.result.catalog.site, item));
      expect(problems, item.key).toEqual([]);
      expect(await page.locator('article.item h1').innerText()).toBe(item.title);
      expect(await page.title()).toBe(`${item.title} — Wirefeed`);
      expect(await page.locator('script, iframe, object, embed').count()).toBe(0);
      const handlers = await page.locator('*').evaluateAll((els) => els.flatMap((el) => [...el.attributes].filter((a) => /^on/i.test(a.name) || /^\s*javascript:/i.test(a.value)).map((a) => a.name)));
      expect(handlers).toEqual([]);
      await page.close();
    }
  }, TIMEOUT);

  it('loads every hostile item page cleanly, right-to-left and mixed scripts included', async () => {
    for (const item of hostile.result.catalog.items) {
      const images = [...item.contentHtml.matchAll(/<img[^>]* src="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
      const { page, problems } = await visit(withScript, itemUrl(hostile.result.catalog.site, item), images);
      expect(problems, item.key).toEqual([]);
      await page.close();
    }
  }, TIMEOUT);
});

describe('markup in every field the pages show', () => {
  // The pipeline strips tags from titles; the renderer must not rely on that.
  const evil = makeItem('evil', {
    title: '<img src=x onerror=alert(1)> "Quotes" & <b>bold</b>',
    summary: '</p><script>alert(2)</script> summary',
    section: '<i>Section</i> & Co',
    tags: [{ name: '<svg onload=alert(3)>', kind: 'other' }],
    author: '<a href="javascript:alert(4)">me</a>',
  });
  const catalog = catalogOf([evil]);
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = await listen(createApp(new SiteHolder(renderSite(catalog)), { accessLog: 'off' }), 0, '127.0.0.1');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server?.close());

  it.each(['/', '/items/evil', catalog.sections[0]!.feeds[0]!.page])('shows it as text on %s and runs nothing', async (path) => {
    const { page, problems } = await visit(withScript, base + path);
    expect(problems).toEqual([]);
    // textContent: the section label is upper-cased by the stylesheet.
    const text = (await page.locator('body').textContent()) ?? '';
    for (const field of [evil.title, evil.section, evil.tags[0]!.name, ...(path === '/items/evil' ? [evil.author!] : [evil.summary])]) expect(text, field).toContain(field);
    // SITE's own title is "Test & <Site>": site settings are escaped too.
    expect(await page.locator('header.site h1').innerText()).toBe('Test & <Site>');
    expect(await page.locator('img, svg, script, b, i').count()).toBe(0);
    await page.close();
  });
});
