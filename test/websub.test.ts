// WebSub publishing against a local test hub: which feeds count as changed, what the hub
// receives, how failures are retried, and that a hub never fails or blocks a build.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { renderSite, type Resource, type SiteMap } from '../src/publish/site.js';
import { writeStatic } from '../src/publish/static.js';
import { changedFeeds, changedFeedsOnDisk, pingHub } from '../src/publish/websub.js';
import { catalogOf, makeItem } from './support/items.js';
import { CONTENT_TYPES } from '../src/render/links.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'wirefeed.js');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'wirefeed-websub-'));

interface HubRequest {
  method: string;
  contentType: string;
  form: Record<string, string>;
  status: number;
}

/** A hub on 127.0.0.1 that records every request and answers `statusFor(n)` to the n-th (from 1). */
async function testHub(statusFor: (n: number) => number): Promise<{ url: string; requests: HubRequest[]; server: Server }> {
  const requests: HubRequest[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const status = statusFor(requests.length + 1);
      requests.push({ method: req.method!, contentType: req.headers['content-type'] ?? '', form: Object.fromEntries(new URLSearchParams(body)), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hubs.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hub`, requests, server };
}

const hubs: Server[] = [];
afterEach(() => {
  for (const hub of hubs.splice(0)) hub.close();
});

const before = [
  makeItem('a', { section: 'World', tags: [{ name: 'Geneva', kind: 'place' }] }),
  makeItem('b', { section: 'Sport', tags: [{ name: 'Madrid', kind: 'place' }], published: new Date('2024-02-01T00:00:00Z') }),
];
const after = [before[0]!, { ...before[1]!, title: 'Title b, corrected', updated: new Date('2024-03-01T00:00:00Z') }];
const FEEDS = (base: string): string[] => ['atom.xml', 'feed.json', 'rss.xml'].map((file) => `${base}/${file}`);

describe('changed feeds', () => {
  const old = renderSite(catalogOf(before));
  const next = renderSite(catalogOf(after));

  it('are the feeds whose bytes differ: the main feed and the edited item\'s section and tags, in every format', () => {
    expect(changedFeeds(next, old)).toEqual([...FEEDS(''), ...FEEDS('/categories/sport'), ...FEEDS('/tags/madrid')].sort());
  });

  it('are none when nothing changed, and every feed when there was no earlier version', () => {
    expect(changedFeeds(renderSite(catalogOf(before)), old)).toEqual([]);
    expect(changedFeeds(old, undefined)).toEqual([...FEEDS(''), ...FEEDS('/categories/sport'), ...FEEDS('/categories/world'), ...FEEDS('/tags/geneva'), ...FEEDS('/tags/madrid')].sort());
  });

  it('are found without rendering the feeds whose render inputs did not change', () => {
    const resource = (path: string, inputs: string, etag: string): Resource =>
      ({ path, file: path.slice(1), status: 200, type: CONTENT_TYPES.rss, lastModified: new Date(0), inputs, get etag() { if (etag === 'unrendered') throw new Error(`${path} was rendered`); return etag; } }) as unknown as Resource;
    const site = (...resources: Resource[]): SiteMap => new Map(resources.map((each) => [each.path, each]));
    const previous = site(resource('/rss.xml', 'k1', 'unrendered'), resource('/tags/a/rss.xml', 'k2', '"e2"'));
    const next = site(resource('/rss.xml', 'k1', 'unrendered'), resource('/tags/a/rss.xml', 'k3', '"e3"'));
    expect(changedFeeds(next, previous)).toEqual(['/tags/a/rss.xml']);
  });

  it('are found the same way against the files of the previous build on disk', async () => {
    const out = join(tmp(), 'feeds');
    expect(await changedFeedsOnDisk(old, out)).toEqual(changedFeeds(old, undefined));
    await writeStatic(old, out);
    expect(await changedFeedsOnDisk(old, out)).toEqual([]);
    expect(await changedFeedsOnDisk(next, out)).toEqual(changedFeeds(next, old));
  });
});

describe('pingHub', () => {
  it('POSTs hub.mode=publish and hub.url form-encoded for each URL, and retries a failed one', async () => {
    const hub = await testHub((n) => (n === 1 ? 503 : 204));
    const log: string[] = [];
    const urls = ['http://localhost:3000/rss.xml', 'http://localhost:3000/atom.xml', 'http://localhost:3000/categories/a&b/feed.json'];
    const results = await pingHub(urls, { hub: hub.url, retryDelayMs: 20, log: (line) => log.push(line) });
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.reduce((sum, r) => sum + r.attempts, 0)).toBe(4);
    expect(hub.requests).toHaveLength(4);
    for (const request of hub.requests) {
      expect(request.method).toBe('POST');
      expect(request.contentType).toMatch(/^application\/x-www-form-urlencoded/);
      expect(request.form['hub.mode']).toBe('publish');
    }
    // Every URL reached the hub intact (the & survives form encoding) and was accepted once.
    expect(hub.requests.filter((r) => r.status === 204).map((r) => r.form['hub.url']).sort()).toEqual([...urls].sort());
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/HTTP 503; retrying in 20 ms \(attempt 1 of 5\)/);
  });

  it('backs off exponentially and gives up after the last attempt without throwing', async () => {
    const hub = await testHub(() => 500);
    const log: string[] = [];
    const started = performance.now();
    const [result] = await pingHub(['http://localhost:3000/rss.xml'], { hub: hub.url, attempts: 4, retryDelayMs: 40, log: (line) => log.push(line) });
    // Waits of 40 + 80 + 160 ms between the four attempts.
    expect(performance.now() - started).toBeGreaterThanOrEqual(270);
    expect(result).toEqual({ url: 'http://localhost:3000/rss.xml', ok: false, attempts: 4, error: 'HTTP 500' });
    expect(hub.requests).toHaveLength(4);
    expect(log.map((line) => line.match(/retrying in (\d+ ms)/)?.[1] ?? line)).toEqual(['40 ms', '80 ms', '160 ms', expect.stringMatching(/^websub: gave up telling .* HTTP 500\n$/)]);
  });

  it('does not retry a request the hub refuses as bad (4xx)', async () => {
    const hub = await testHub(() => 400);
    const [result] = await pingHub(['http://localhost:3000/rss.xml'], { hub: hub.url, retryDelayMs: 10 });
    expect(result).toMatchObject({ ok: false, attempts: 1, error: 'HTTP 400' });
  });

  it('survives a hub that is down or never answers, within its bounds', async () => {
    const closed = await testHub(() => 204);
    await new Promise((resolve) => closed.server.close(resolve));
    const [down] = await pingHub(['http://localhost:3000/rss.xml'], { hub: closed.url, attempts: 2, retryDelayMs: 10 });
    expect(down).toMatchObject({ ok: false, attempts: 2, error: 'ECONNREFUSED' });

    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    hubs.push(silent);
    const started = performance.now();
    const [slow] = await pingHub(['http://localhost:3000/rss.xml'], { hub: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`, attempts: 2, retryDelayMs: 10, timeoutMs: 150 });
    expect(slow).toMatchObject({ ok: false, attempts: 2, error: 'no answer in time' });
    expect(performance.now() - started).toBeLessThan(5000);
    silent.closeAllConnections();
  });

  it('stops retrying when its signal aborts', async () => {
    const hub = await testHub(() => 503);
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 100);
    const started = performance.now();
    const [result] = await pingHub(['http://localhost:3000/rss.xml'], { hub: hub.url, retryDelayMs: 60_000, signal: stop.signal });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(result).toMatchObject({ ok: false, attempts: 1 });
  });
});

describe('wirefeed build --hub', () => {
  const wirefeed = async (args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> => {
    const cwd = tmp();
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env } });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('links the hub and self in every feed, and tells the hub only about the feeds that changed on disk', async () => {
    const hub = await testHub((n) => (n === 1 ? 503 : 204));
    const seeds = tmp();
    const out = join(tmp(), 'feeds');
    const doc = (title: string): string => `---\ndate: 2024-01-02T00:00:00Z\n---\n# ${title}\n\nThe council of Geneva met on Monday and approved the new budget for the year.\n`;
    writeFileSync(join(seeds, 'one.md'), doc('Council approves budget'));
    writeFileSync(join(seeds, 'two.md'), `---\ndate: 2024-01-01T00:00:00Z\n---\n# Storm hits the coast\n\nA storm hit the coast of Portugal on Sunday, closing roads and schools.\n`);
    const args = ['build', '--seeds', seeds, '--out', out, '--site-url', 'https://news.example'];

    const first = await wirefeed(args, { WIREFEED_HUB: hub.url });
    expect(first.code).toBe(0);
    const rss = readFileSync(join(out, 'rss.xml'), 'utf8');
    const atom = readFileSync(join(out, 'atom.xml'), 'utf8');
    const json = JSON.parse(readFileSync(join(out, 'feed.json'), 'utf8'));
    expect(rss).toContain(`<atom:link href="${hub.url}" rel="hub"/>`);
    expect(rss).toContain('<atom:link href="https://news.example/rss.xml" rel="self" type="application/rss+xml"/>');
    expect(atom).toContain(`<link rel="hub" href="${hub.url}"/>`);
    expect(atom).toContain('<link rel="self" type="application/atom+xml" href="https://news.example/atom.xml"/>');
    expect(json.hubs).toEqual([{ type: 'WebSub', url: hub.url }]);
    expect(json.feed_url).toBe('https://news.example/feed.json');
    // No earlier build: every feed is new. The first request failed and was retried.
    const firstUrls = hub.requests.filter((r) => r.status === 204).map((r) => r.form['hub.url']!);
    expect(firstUrls).toContain('https://news.example/rss.xml');
    expect(firstUrls.every((url) => /^https:\/\/news\.example\/.*(rss\.xml|atom\.xml|feed\.json)$/.test(url))).toBe(true);
    expect(new Set(firstUrls).size).toBe(firstUrls.length);
    expect(hub.requests).toHaveLength(firstUrls.length + 1);
    expect(first.stderr).toMatch(/websub: .* HTTP 503; retrying/);
    expect(first.stdout).toContain(`Told ${hub.url} about ${firstUrls.length} of ${firstUrls.length} changed feeds`);

    hub.requests.length = 0;
    const unchanged = await wirefeed([...args, '--hub', hub.url]);
    expect(unchanged.code).toBe(0);
    expect(hub.requests).toEqual([]);

    writeFileSync(join(seeds, 'one.md'), doc('Council approves the budget'));
    await wirefeed([...args, '--hub', hub.url]);
    const changed = hub.requests.map((r) => r.form['hub.url']!).sort();
    expect(changed).toContain('https://news.example/rss.xml');
    // The storm story's section and tags did not change, so their feeds were not announced.
    expect(changed.length).toBeLessThan(firstUrls.length);
    for (const url of changed) {
      const path = url.replace('https://news.example/', '');
      expect(readFileSync(join(out, path), 'utf8'), path).toContain('Council approves the budget');
    }
  }, 60_000);

  // A hub that is down is retried for seconds (see pingHub's tests); one that refuses gives up at once.
  it('publishes and exits 0 when the hub refuses every request', async () => {
    const hub = await testHub(() => 403);
    const seeds = tmp();
    const out = join(tmp(), 'feeds');
    writeFileSync(join(seeds, 'one.md'), '# Council approves budget\n\nThe council met on Monday and approved the new budget.\n');
    const result = await wirefeed(['build', '--seeds', seeds, '--out', out, '--hub', hub.url], { SOURCE_DATE_EPOCH: '1700000000' });
    expect(result.code).toBe(0);
    expect(readFileSync(join(out, 'rss.xml'), 'utf8')).toContain('Council approves budget');
    expect(hub.requests.length).toBeGreaterThan(0);
    expect(result.stderr).toMatch(/websub: gave up telling .* HTTP 403/);
    expect(result.stdout).toMatch(/Told .* about 0 of \d+ changed feeds/);
  }, 60_000);

  it('rejects a hub that is not an absolute http(s) URL', async () => {
    const result = await wirefeed(['build', '--hub', 'ftp://hub.example/']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--hub must use http or https');
  });
});

describe('wirefeed serve --watch --hub', () => {
  it('tells the hub about the feeds a rebuild changed, while it keeps serving', async () => {
    const hub = await testHub(() => 204);
    const seeds = tmp();
    writeFileSync(join(seeds, 'one.md'), '---\ndate: 2024-01-02T00:00:00Z\n---\n# Council approves budget\n\nThe council met on Monday and approved the new budget.\n');
    const child = spawn(process.execPath, [BIN, 'serve', '--seeds', seeds, '--port', '0', '--watch', '--hub', hub.url, '--site-url', 'https://news.example'], {
      cwd: tmp(),
      env: { ...process.env, WIREFEED_ACCESS_LOG: 'off' },
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let output = '';
    const waitFor = (pattern: RegExp): Promise<string> =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const match = output.match(pattern);
          if (match) {
            clearInterval(timer);
            resolve(match[0]);
          }
        };
        const timer = setInterval(check, 20);
        child.once('exit', (code) => {
          clearInterval(timer);
          reject(new Error(`serve exited with ${code}: ${output}`));
        });
      });
    child.stdout.on('data', (data: Buffer) => (output += data.toString()));
    child.stderr.on('data', (data: Buffer) => (output += data.toString()));
    try {
      const base = await waitFor(/http:\/\/127\.0\.0\.1:\d+/);
      // The first load is not a change anyone subscribed to: no ping.
      expect(hub.requests).toEqual([]);
      expect(await (await fetch(`${base}/rss.xml`)).text()).toContain(`rel="hub"`);
      writeFileSync(join(seeds, 'one.md'), '---\ndate: 2024-01-02T00:00:00Z\n---\n# Council approves the budget\n\nThe council met on Monday and approved the new budget.\n');
      await waitFor(/Told .* changed feeds/);
      const urls = hub.requests.map((r) => r.form['hub.url']);
      expect(urls).toContain('https://news.example/rss.xml');
      expect(urls).toContain('https://news.example/feed.json');
      expect(await (await fetch(`${base}/rss.xml`)).text()).toContain('Council approves the budget');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 60_000);
});
