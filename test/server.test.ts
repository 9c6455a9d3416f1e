import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, listen, SiteHolder, type ServerOptions } from '../src/publish/server.js';
import { renderSite, type SiteMap } from '../src/publish/site.js';
import { raw } from './support/http-client.js';
import { catalogOf, makeItem } from './support/items.js';

const items = Array.from({ length: 8 }, (_, i) => makeItem(`k${i}`, { published: new Date(Date.UTC(2024, 1, 1 + i)) }));
const site = renderSite(catalogOf(items, 5));
const servers: Server[] = [];

async function start(holder: SiteHolder, options: ServerOptions = {}, limits = {}): Promise<string> {
  const server = await listen(createApp(holder, { accessLog: 'off', ...options }), 0, '127.0.0.1', limits);
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let base: string;
beforeAll(async () => {
  base = await start(new SiteHolder(site));
});
afterAll(() => Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())))));

const resource = (path: string) => site.get(path)!;

describe('200: bytes, types and caching headers', () => {
  it.each([
    ['/rss.xml', 'application/rss+xml; charset=utf-8'],
    ['/atom.xml', 'application/atom+xml; charset=utf-8'],
    ['/feed.json', 'application/feed+json; charset=utf-8'],
    ['/categories/world/feed.json', 'application/feed+json; charset=utf-8'],
    ['/', 'text/html; charset=utf-8'],
    ['/items/k1', 'text/html; charset=utf-8'],
    ['/style.css', 'text/css; charset=utf-8'],
  ])('%s is %s with the rendered bytes, Content-Length, ETag, Last-Modified, Cache-Control and Vary', async (path, type) => {
    const res = await raw(base, path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.body.equals(resource(path).body)).toBe(true);
    expect(res.headers['content-length']).toBe(String(resource(path).body.length));
    expect(res.headers.etag).toBe(resource(path).etag);
    expect(res.headers['last-modified']).toBe(resource(path).lastModified.toUTCString());
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
  it('derives the ETag from the body once: the tag is a hash of the bytes sent', async () => {
    const res = await raw(base, '/atom.xml');
    const hash = createHash('sha256').update(res.body).digest('base64url').slice(0, 27);
    expect(res.headers.etag).toBe(`"${hash}"`);
  });
  it('sends Last-Modified from the newest item, not the clock', async () => {
    expect((await raw(base, '/atom.xml')).headers['last-modified']).toBe('Thu, 08 Feb 2024 00:00:00 GMT');
  });
  it('takes max-age from the options', async () => {
    const other = await start(new SiteHolder(site), { maxAge: 60 });
    expect((await raw(other, '/rss.xml')).headers['cache-control']).toBe('public, max-age=60');
  });
  it('answers HEAD with the same headers as GET and no body', async () => {
    for (const encoding of ['identity', 'gzip', 'br']) {
      const headers = { 'Accept-Encoding': encoding };
      const get = await raw(base, '/feed.json', { headers });
      const head = await raw(base, '/feed.json', { method: 'HEAD', headers });
      expect(head.status).toBe(200);
      expect(head.body.length).toBe(0);
      const { date: _g, ...getHeaders } = get.headers;
      const { date: _h, ...headHeaders } = head.headers;
      expect(headHeaders).toEqual(getHeaders);
    }
  });
});

describe('304: conditional GET (RFC 9110 §13.2.2)', () => {
  const etag = () => resource('/rss.xml').etag;
  const lastModified = () => resource('/rss.xml').lastModified.toUTCString();
  it.each([
    ['If-None-Match: the ETag', () => ({ 'If-None-Match': etag() }), 304],
    ['If-None-Match: weak form of the ETag', () => ({ 'If-None-Match': `W/${etag()}` }), 304],
    ['If-None-Match: a list holding the ETag', () => ({ 'If-None-Match': `"zzz", ${etag()}` }), 304],
    ['If-None-Match: *', () => ({ 'If-None-Match': '*' }), 304],
    ['If-None-Match: another tag', () => ({ 'If-None-Match': '"zzz"' }), 200],
    ['If-Modified-Since: Last-Modified', () => ({ 'If-Modified-Since': lastModified() }), 304],
    ['If-Modified-Since: later', () => ({ 'If-Modified-Since': 'Sun, 01 Jan 2034 00:00:00 GMT' }), 304],
    ['If-Modified-Since: one second earlier', () => ({ 'If-Modified-Since': 'Wed, 07 Feb 2024 23:59:59 GMT' }), 200],
    ['If-Modified-Since: RFC 850 form', () => ({ 'If-Modified-Since': 'Thursday, 08-Feb-24 00:00:00 GMT' }), 304],
    ['If-Modified-Since: asctime form', () => ({ 'If-Modified-Since': 'Thu Feb  8 00:00:00 2024' }), 304],
    ['If-Modified-Since: not a date', () => ({ 'If-Modified-Since': '2024' }), 200],
    ['If-None-Match wins over a matching If-Modified-Since', () => ({ 'If-None-Match': '"zzz"', 'If-Modified-Since': lastModified() }), 200],
    ['If-None-Match wins over a stale If-Modified-Since', () => ({ 'If-None-Match': etag(), 'If-Modified-Since': 'Mon, 01 Jan 2001 00:00:00 GMT' }), 304],
    ['request Cache-Control: no-cache is not a reason to send the body', () => ({ 'If-None-Match': etag(), 'Cache-Control': 'no-cache' }), 304],
  ])('%s → %i', async (_name, headers, status) => {
    const res = await raw(base, '/rss.xml', { headers: headers() });
    expect(res.status).toBe(status);
    if (status === 304) {
      expect(res.body.length).toBe(0);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.headers.etag).toBe(etag());
      expect(res.headers.vary).toBe('Accept-Encoding');
      expect(res.headers['cache-control']).toBe('public, max-age=300');
    }
  });
  it('answers 304 without Content-Encoding even when the client takes br, and with the br ETag', async () => {
    const first = await raw(base, '/rss.xml', { headers: { 'Accept-Encoding': 'br' } });
    const again = await raw(base, '/rss.xml', { headers: { 'Accept-Encoding': 'br', 'If-None-Match': first.headers.etag as string } });
    expect(again.status).toBe(304);
    expect(again.headers['content-encoding']).toBeUndefined();
    expect(again.headers.etag).toBe(first.headers.etag);
  });
  it('sends what RFC 9110 §15.4.5 asks of a 304 and no representation metadata: ETag, caching, Vary, CORS; no Last-Modified or Content-*', async () => {
    const res = await raw(base, '/feed.json', { headers: { 'If-None-Match': resource('/feed.json').etag } });
    expect(res.status).toBe(304);
    const { date: _date, connection: _connection, 'keep-alive': _keepAlive, ...rest } = res.headers;
    expect(rest).toEqual({
      etag: resource('/feed.json').etag,
      'cache-control': 'public, max-age=300',
      vary: 'Accept-Encoding',
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'ETag',
    });
  });
  it('answers HEAD with a 304 too when the validators match', async () => {
    const res = await raw(base, '/rss.xml', { method: 'HEAD', headers: { 'If-None-Match': etag() } });
    expect(res.status).toBe(304);
    expect(res.body.length).toBe(0);
  });
  it('works through fetch(), which adds Cache-Control: no-cache to conditional requests', async () => {
    const first = await fetch(`${base}/feed.json`);
    const again = await fetch(`${base}/feed.json`, { headers: { 'If-None-Match': first.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });
});

describe('Accept-Encoding negotiation', () => {
  it.each([
    [undefined, 'identity'],
    ['', 'identity'],
    ['gzip', 'gzip'],
    ['br', 'br'],
    ['gzip, deflate, br', 'br'],
    ['br;q=0.5, gzip', 'gzip'],
    // identity is acceptable unless excluded, with q=1: it beats gzip;q=0.1.
    ['br;q=0, gzip;q=0.1', 'identity'],
    ['br;q=0, gzip;q=0.1, identity;q=0', 'gzip'],
    ['*', 'br'],
    ['*;q=0.5, gzip', 'gzip'],
    ['identity;q=0, gzip;q=0.2', 'gzip'],
    ['deflate', 'identity'],
    ['gzip;q=nonsense', 'identity'],
    ['X-GZIP', 'gzip'],
  ])('Accept-Encoding %j → %s, from the precompressed bytes', async (accept, coding) => {
    const res = await raw(base, '/atom.xml', { headers: accept === undefined ? {} : { 'Accept-Encoding': accept } });
    expect(res.status).toBe(200);
    const r = resource('/atom.xml');
    const expected = coding === 'identity' ? r.body : coding === 'gzip' ? r.gzip : r.br;
    expect(res.headers['content-encoding']).toBe(coding === 'identity' ? undefined : coding);
    expect(res.body.equals(expected)).toBe(true);
    expect(res.headers['content-length']).toBe(String(expected.length));
    const decoded = coding === 'gzip' ? gunzipSync(res.body) : coding === 'br' ? brotliDecompressSync(res.body) : res.body;
    expect(decoded.equals(r.body)).toBe(true);
    // Differently encoded bytes get distinct strong ETags (RFC 9110 §8.8.3.3).
    expect(res.headers.etag).toBe(coding === 'identity' ? r.etag : `${r.etag.slice(0, -1)}-${coding}"`);
  });
  it.each(['identity;q=0', '*;q=0', 'identity;q=0, deflate'])('Accept-Encoding %j refuses every coding we have → 406', async (accept) => {
    const res = await raw(base, '/atom.xml', { headers: { 'Accept-Encoding': accept } });
    expect(res.status).toBe(406);
    expect(res.body.toString()).toMatch(/^406 Not Acceptable: /);
  });
});

describe('methods and CORS', () => {
  it('answers OPTIONS with Allow', async () => {
    const res = await raw(base, '/rss.xml', { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
  });
  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'PROPFIND'])('answers %s with 405 and Allow', async (method) => {
    const res = await raw(base, '/rss.xml', { method });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
  });
  it('lets any origin read feeds and their ETag', async () => {
    const res = await raw(base, '/feed.json', { headers: { Origin: 'https://reader.example' } });
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-expose-headers']).toBe('ETag');
  });
  it('answers a CORS preflight', async () => {
    const res = await raw(base, '/feed.json', {
      method: 'OPTIONS',
      headers: { Origin: 'https://reader.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'if-none-match' },
    });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD, OPTIONS');
    expect(res.headers['access-control-allow-headers']).toBe('if-none-match');
    expect(Number(res.headers['access-control-max-age'])).toBeGreaterThan(0);
  });
  it('a browser can fetch JSON Feed cross-origin (preflight and GET pass the CORS checks)', async () => {
    const res = await fetch(`${base}/feed.json`, { headers: { Origin: 'https://reader.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect((await res.json()).version).toBe('https://jsonfeed.org/version/1.1');
  });
});

describe('security headers', () => {
  it('HTML pages forbid inline script and sniffing, and limit the referrer', async () => {
    for (const path of ['/', '/items/k1', '/categories/world/']) {
      const res = await raw(base, path);
      expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
      expect(res.headers['content-security-policy']).not.toMatch(/unsafe-inline|script-src/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    }
  });
  it('the home page has no inline script or style the policy would block', async () => {
    const html = (await raw(base, '/')).body.toString();
    expect(html).not.toMatch(/<script|<style|\sstyle="|\son\w+=/i);
  });
  it('feeds are nosniff and not framed as HTML', async () => {
    const res = await raw(base, '/rss.xml');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBeUndefined();
  });
});

describe('query options', () => {
  it('?limit=N gives the newest N items of the feed, beyond the subscription window too', async () => {
    for (const limit of [1, 3, 8]) {
      const feed = JSON.parse((await raw(base, `/feed.json?limit=${limit}`)).body.toString());
      expect(feed.items.map((item: { title: string }) => item.title)).toEqual(items.slice().reverse().slice(0, limit).map((item) => item.title));
    }
    const plain = JSON.parse((await raw(base, '/feed.json')).body.toString());
    expect(plain.items).toHaveLength(5);
  });
  it('?limit=N variants are cached per version: the same bytes and ETag each time, conditional GET works', async () => {
    const first = await raw(base, '/rss.xml?limit=2', { headers: { 'Accept-Encoding': 'gzip' } });
    const second = await raw(base, '/rss.xml?limit=2', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(second.body.equals(first.body)).toBe(true);
    expect(first.headers.etag).not.toBe((await raw(base, '/rss.xml', { headers: { 'Accept-Encoding': 'gzip' } })).headers.etag);
    const again = await raw(base, '/rss.xml?limit=2', { headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': first.headers.etag as string } });
    expect(again.status).toBe(304);
  });
  it.each(['0', '501', 'abc', '-1', '2.5', ''])('?limit=%s → 400 with a clear message', async (value) => {
    const res = await raw(base, `/atom.xml?limit=${value}`);
    expect(res.status).toBe(400);
    expect(res.body.toString()).toBe(`400 Bad Request: limit must be a whole number from 1 to 500, got "${value}"\n`);
  });
  it('?format= serves a feed folder in that format, for any feed folder', async () => {
    for (const [path, expected] of [
      ['/categories/world/?format=json', '/categories/world/feed.json'],
      ['/categories/world?format=atom', '/categories/world/atom.xml'],
      ['/tags/geneva/rss.xml?format=json', '/tags/geneva/feed.json'],
      ['/?format=rss', '/rss.xml'],
    ] as const) {
      const res = await raw(base, path);
      expect(res.status, path).toBe(200);
      expect(res.body.equals(resource(expected).body), path).toBe(true);
    }
  });
  it('?format= and ?limit= combine', async () => {
    const feed = JSON.parse((await raw(base, '/categories/world/?format=json&limit=2')).body.toString());
    expect(feed.items).toHaveLength(2);
  });
  it('?format= with an unknown value → 400; on a path without feeds → 404', async () => {
    expect((await raw(base, '/categories/world/?format=xml')).status).toBe(400);
    expect((await raw(base, '/items/k1?format=json')).status).toBe(404);
  });
  it('ignores unknown query parameters', async () => {
    const res = await raw(base, '/rss.xml?utm_source=reader&x');
    expect(res.status).toBe(200);
    expect(res.body.equals(resource('/rss.xml').body)).toBe(true);
  });
});

describe('errors', () => {
  it.each([
    [undefined, 'text/plain; charset=utf-8', /^404 Not Found: nothing is published at \/nope\n$/],
    ['application/json', 'application/json; charset=utf-8', /^\{"status":404,"error":"Not Found","message":"nothing is published at \/nope".*\}\n$/],
    ['text/html,application/xhtml+xml,*/*;q=0.8', 'text/html; charset=utf-8', /<h1>404 Not Found<\/h1>/],
  ])('404 for Accept %s is %s', async (accept, type, body) => {
    const res = await raw(base, '/nope', { headers: accept ? { Accept: accept } : {} });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe(type);
    expect(res.body.toString()).toMatch(body);
    expect(res.body.toString()).not.toMatch(/\n\s+at |node_modules/);
  });
  it('escapes the path in HTML error pages', async () => {
    const res = await raw(base, '/%3Cscript%3E<b>', { headers: { Accept: 'text/html' } });
    expect(res.body.toString()).not.toMatch(/<b>|<script>/);
  });
  it('never reaches the file system: traversal is a plain 404', async () => {
    for (const path of ['/../etc/passwd', '/..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/..\\..\\etc\\passwd']) {
      const res = await raw(base, path);
      expect(res.status, path).toBe(404);
    }
  });
  it('414 for a URL over the limit', async () => {
    const res = await raw(base, `/rss.xml?q=${'a'.repeat(3000)}`, { headers: { Accept: 'application/json' } });
    expect(res.status).toBe(414);
    expect(JSON.parse(res.body.toString()).status).toBe(414);
  });
  it('413 for an announced request body over the limit', async () => {
    const res = await raw(base, '/rss.xml', { headers: { 'Content-Length': String(1024 * 1024) } });
    expect(res.status).toBe(413);
  });
  it('431 for a request head over the limit, answered before the app', async () => {
    const res = await raw(base, '/rss.xml', { headers: { 'X-Big': 'a'.repeat(20_000) } });
    expect(res.status).toBe(431);
    expect(res.body.toString()).toMatch(/^431 Request Header Fields Too Large/);
  });
  it('500 answers without internals and logs the request id', async () => {
    const lines: string[] = [];
    const broken = new SiteHolder(site);
    const app = createApp(broken, { accessLog: 'off', writeError: (line) => lines.push(line) });
    broken.get = () => {
      throw new Error('secret internal detail');
    };
    const server = await listen(app, 0, '127.0.0.1');
    servers.push(server);
    const res = await raw(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, '/rss.xml', { headers: { Accept: 'application/json' } });
    expect(res.status).toBe(500);
    const body = JSON.parse(res.body.toString());
    expect(res.body.toString()).not.toMatch(/secret|at /);
    expect(body.requestId).toBe(res.headers['x-request-id']);
    expect(lines.join('')).toContain(body.requestId);
    expect(lines.join('')).toContain('secret internal detail');
  });
});

describe('moved URLs and proxies', () => {
  it.each([
    ['/feed', '/rss.xml'],
    ['/rss', '/rss.xml'],
    ['/atom', '/atom.xml'],
    ['/feed.xml', '/atom.xml'],
    ['/index.xml', '/rss.xml'],
    ['/feed/atom/', '/atom.xml'],
    ['/categories/world/feed', '/categories/world/rss.xml'],
    ['/categories/world', '/categories/world/'],
    ['/index.html', '/'],
  ])('%s → 301 %s', async (from, to) => {
    const res = await raw(base, from);
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe(`${base}${to}`);
  });
  it('keeps the query string in a redirect', async () => {
    expect((await raw(base, '/feed?limit=3')).headers.location).toBe(`${base}/rss.xml?limit=3`);
  });
  it('ignores X-Forwarded-* unless trust-proxy is on', async () => {
    const headers = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'news.example' };
    expect((await raw(base, '/feed', { headers })).headers.location).toBe(`${base}/rss.xml`);
    const proxied = await start(new SiteHolder(site), { trustProxy: true });
    expect((await raw(proxied, '/feed', { headers })).headers.location).toBe('https://news.example/rss.xml');
  });
  it('writes a relative Location when the Host is not a host name', async () => {
    expect((await raw(base, '/feed', { headers: { Host: 'evil.example/path' } })).headers.location).toBe('/rss.xml');
  });
});

describe('poll limit', () => {
  it('is off by default', async () => {
    const statuses = await Promise.all(Array.from({ length: 30 }, () => raw(base, '/rss.xml').then((res) => res.status)));
    expect(new Set(statuses)).toEqual(new Set([200]));
  });
  it('answers 429 with Retry-After beyond the limit, and spares the health checks', async () => {
    const limited = await start(new SiteHolder(site), { pollLimit: { requests: 3, windowSeconds: 60 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await raw(limited, '/rss.xml')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const res = await raw(limited, '/rss.xml', { headers: { Accept: 'application/json' } });
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(JSON.parse(res.body.toString()).status).toBe(429);
    expect((await raw(limited, '/healthz')).status).toBe(200);
  });
  it('counts every request of a client once, whether the fast path or Koa answers it', async () => {
    const limited = await start(new SiteHolder(site), { pollLimit: { requests: 4, windowSeconds: 60 } });
    const statuses: number[] = [];
    for (const path of ['/rss.xml', '/rss.xml?limit=1', '/nope', '/rss.xml', '/rss.xml', '/rss.xml?limit=1']) statuses.push((await raw(limited, path)).status);
    expect(statuses).toEqual([200, 200, 404, 200, 429, 429]);
  });
  it('counts clients behind a trusted proxy by X-Forwarded-For', async () => {
    const limited = await start(new SiteHolder(site), { pollLimit: { requests: 1, windowSeconds: 60 }, trustProxy: true });
    const from = (address: string) => raw(limited, '/rss.xml', { headers: { 'X-Forwarded-For': `${address}, 10.0.0.1` } }).then((res) => res.status);
    expect([await from('203.0.113.1'), await from('203.0.113.2'), await from('203.0.113.1')]).toEqual([200, 200, 429]);
  });
});

describe('health', () => {
  it('/healthz is alive, /readyz ready once a site is loaded', async () => {
    const holder = new SiteHolder();
    const url = await start(holder);
    expect((await raw(url, '/healthz')).status).toBe(200);
    const starting = await raw(url, '/readyz');
    expect(starting.status).toBe(503);
    expect(JSON.parse(starting.body.toString()).status).toBe('starting');
    const early = await raw(url, '/rss.xml');
    expect(early.status).toBe(503);
    expect(early.headers['retry-after']).toBe('1');
    holder.set(site);
    const ready = await raw(url, '/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body.toString())).toEqual({ status: 'ready', resources: site.size });
    expect((await raw(url, '/rss.xml')).status).toBe(200);
  });
});

describe('access log', () => {
  it('logs answers of the fast path (200, HEAD, 304) and of Koa (query, 404) alike, each with its own id', async () => {
    const lines: string[] = [];
    const url = await start(new SiteHolder(site), { accessLog: 'text', writeLog: (line) => lines.push(line) });
    await raw(url, '/atom.xml', { headers: { 'Accept-Encoding': 'gzip' } });
    await raw(url, '/atom.xml', { method: 'HEAD' });
    await raw(url, '/atom.xml', { headers: { 'If-None-Match': resource('/atom.xml').etag } });
    await raw(url, '/atom.xml?limit=2');
    await raw(url, '/nope');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const fields = lines.map((line) => line.trim().split(' '));
    expect(fields.map(([method, path, status, bytes]) => [method, path, Number(status), Number(bytes)])).toEqual([
      ['GET', '/atom.xml', 200, resource('/atom.xml').gzip.length],
      ['HEAD', '/atom.xml', 200, 0],
      ['GET', '/atom.xml', 304, 0],
      ['GET', '/atom.xml?limit=2', 200, expect.any(Number)],
      ['GET', '/nope', 404, expect.any(Number)],
    ]);
    expect(new Set(fields.map((f) => f.at(-1))).size).toBe(5);
  });
  it('writes one JSON line per request with method, path, status, bytes, ms and request id', async () => {
    const lines: string[] = [];
    const url = await start(new SiteHolder(site), { accessLog: 'json', writeLog: (line) => lines.push(line) });
    await raw(url, '/rss.xml');
    await raw(url, '/nope');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const entries = lines.map((line) => JSON.parse(line));
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ method: 'GET', path: '/rss.xml', status: 200, bytes: resource('/rss.xml').body.length });
    expect(entries[1]).toMatchObject({ method: 'GET', path: '/nope', status: 404 });
    for (const entry of entries) {
      expect(typeof entry.ms).toBe('number');
      expect(entry.id).toMatch(/^[0-9a-f]{8}-\w+$/);
    }
    expect(entries[0].id).not.toBe(entries[1].id);
  });
});

describe('a swapped site', () => {
  it('serves the new version whole', async () => {
    const holder = new SiteHolder(site);
    const url = await start(holder);
    const before = (await raw(url, '/rss.xml')).body.toString();
    holder.set(renderSite(catalogOf([makeItem('three')])));
    const after = (await raw(url, '/rss.xml')).body.toString();
    expect(before).toContain('Title k7');
    expect(after).toContain('Title three');
    expect(after).not.toContain('Title k7');
  });
  it('never mixes versions under concurrent requests while versions swap', async () => {
    const versions: SiteMap[] = [site, renderSite(catalogOf(items.slice(0, 3), 5)), renderSite(catalogOf([makeItem('x')]))];
    const holder = new SiteHolder(site);
    const url = await start(holder);
    let n = 0;
    const swapper = setInterval(() => holder.set(versions[++n % versions.length]!), 2);
    const paths = ['/rss.xml', '/atom.xml', '/feed.json', '/'];
    const encodings = ['identity', 'gzip', 'br'] as const;
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => {
        const path = paths[i % paths.length]!;
        const coding = encodings[i % 3]!;
        return raw(url, path, { headers: { 'Accept-Encoding': coding } }).then((res) => ({ path, coding, res }));
      }),
    );
    clearInterval(swapper);
    expect(n).toBeGreaterThan(2);
    for (const { path, coding, res } of results) {
      expect(res.status).toBe(200);
      // The body and its ETag come from one and the same version.
      const version = versions.find((v) => res.headers.etag === (coding === 'identity' ? v.get(path)!.etag : `${v.get(path)!.etag.slice(0, -1)}-${coding}"`));
      expect(version).toBeDefined();
      expect(res.body.equals(version!.get(path)![coding === 'identity' ? 'body' : coding])).toBe(true);
    }
  });
});
