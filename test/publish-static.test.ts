import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { renderSite } from '../src/publish/site.js';
import { writeStatic } from '../src/publish/static.js';
import { catalogOf, makeItem } from './support/items.js';

const site = renderSite(catalogOf([makeItem('one')]));

describe('writeStatic', () => {
  it('writes every resource at its file path, / as index.html, item pages as <key>.html', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'wf-static-')), 'feeds');
    await writeStatic(site, out);
    const files = ['atom.xml', 'feed.json', 'index.html', 'opml.xml', 'rss.xml', 'sitemap.xml', 'style.css'];
    expect(readdirSync(out).sort()).toEqual([...files.flatMap((f) => [f, `${f}.br`, `${f}.gz`]), 'categories', 'items', 'tags'].sort());
    expect(readdirSync(join(out, 'categories', 'world')).sort()).toEqual(
      ['atom.xml', 'feed.json', 'index.html', 'rss.xml'].flatMap((f) => [f, `${f}.br`, `${f}.gz`]).sort(),
    );
    expect(readFileSync(join(out, 'items', 'one.html')).equals(site.get('/items/one')!.body)).toBe(true);
    expect(readFileSync(join(out, 'index.html')).equals(site.get('/')!.body)).toBe(true);
  });
  it('writes gzip and brotli siblings that decompress to the body', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'wf-static-')), 'feeds');
    await writeStatic(site, out);
    for (const resource of site.values()) {
      const file = join(out, resource.file);
      expect(gunzipSync(readFileSync(`${file}.gz`)).equals(resource.body), resource.file).toBe(true);
      expect(brotliDecompressSync(readFileSync(`${file}.br`)).equals(resource.body), resource.file).toBe(true);
    }
  });
  it('replaces the old tree whole: files of the previous build do not linger', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'wf-static-')), 'feeds');
    mkdirSync(out);
    writeFileSync(join(out, 'stale.xml'), 'old');
    await writeStatic(site, out);
    expect(existsSync(join(out, 'stale.xml'))).toBe(false);
    expect(readdirSync(join(out, '..'))).toEqual(['feeds']);
  });
  it('drops stale staging folders and puts back a tree parked by an interrupted swap before writing', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'wf-static-'));
    mkdirSync(join(parent, 'feeds.old-123'));
    writeFileSync(join(parent, 'feeds.old-123', 'rss.xml'), 'previous');
    mkdirSync(join(parent, 'feeds.tmp-456'));
    writeFileSync(join(parent, 'feeds.tmp-456', 'rss.xml'), 'half');
    await writeStatic(site, join(parent, 'feeds'));
    expect(readdirSync(parent)).toEqual(['feeds']);
    expect(readFileSync(join(parent, 'feeds', 'rss.xml')).equals(site.get('/rss.xml')!.body)).toBe(true);
  });
});
