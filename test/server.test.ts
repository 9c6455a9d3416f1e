import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, listen, SiteHolder } from '../src/publish/server.js';
import { renderSite } from '../src/publish/site.js';
import { catalogOf, makeItem } from './support/items.js';

const site = renderSite(catalogOf([makeItem('one'), makeItem('two', { published: new Date('2024-02-01T00:00:00Z') })]));
let server: Server;
let base: string;

beforeAll(async () => {
  server = await listen(createApp(new SiteHolder(site)), 0, '127.0.0.1');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('server', () => {
  it.each([
    ['/rss.xml', 'application/rss+xml; charset=utf-8'],
    ['/atom.xml', 'application/atom+xml; charset=utf-8'],
    ['/feed.json', 'application/feed+json; charset=utf-8'],
    ['/', 'text/html; charset=utf-8'],
    ['/items/one', 'text/html; charset=utf-8'],
    ['/style.css', 'text/css; charset=utf-8'],
  ])('serves %s as %s with the rendered bytes', async (path, type) => {
    const res = await fetch(base + path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expect(Buffer.from(await res.arrayBuffer()).equals(site.get(path)!.body)).toBe(true);
  });
  it('answers 304 to a matching If-None-Match', async () => {
    const first = await fetch(`${base}/rss.xml`);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await fetch(`${base}/rss.xml`, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });
  it('sends Last-Modified from the newest item', async () => {
    const res = await fetch(`${base}/atom.xml`);
    expect(res.headers.get('last-modified')).toBe('Thu, 01 Feb 2024 00:00:00 GMT');
  });
  it('answers unknown paths with a short 404, not a stack trace', async () => {
    const res = await fetch(`${base}/nope/../etc/passwd`);
    expect(res.status).toBe(404);
    const body = await res.text();
    expect(body.length).toBeLessThan(200);
    expect(body).not.toMatch(/at \w+ \(|node_modules/);
    expect((await fetch(`${base}/items/missing`)).status).toBe(404);
  });
  it('serves a swapped site whole', async () => {
    const holder = new SiteHolder(site);
    const other = await listen(createApp(holder), 0, '127.0.0.1');
    const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}/rss.xml`;
    const before = await (await fetch(url)).text();
    holder.set(renderSite(catalogOf([makeItem('three')])));
    const after = await (await fetch(url)).text();
    other.close();
    expect(before).toContain('Title one');
    expect(after).toContain('Title three');
    expect(after).not.toContain('Title one');
  });
});
