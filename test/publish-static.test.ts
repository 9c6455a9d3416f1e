import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSite } from '../src/publish/site.js';
import { writeStatic } from '../src/publish/static.js';
import { catalogOf, makeItem } from './support/items.js';

const site = renderSite(catalogOf([makeItem('one')]));

describe('writeStatic', () => {
  it('writes every resource at its file path, / as index.html, item pages as <key>.html', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'wf-static-')), 'feeds');
    await writeStatic(site, out);
    expect(readdirSync(out).sort()).toEqual(['atom.xml', 'feed.json', 'index.html', 'items', 'rss.xml', 'style.css']);
    expect(readFileSync(join(out, 'items', 'one.html')).equals(site.get('/items/one')!.body)).toBe(true);
    expect(readFileSync(join(out, 'index.html')).equals(site.get('/')!.body)).toBe(true);
  });
  it('replaces the old tree whole: files of the previous build do not linger', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'wf-static-')), 'feeds');
    mkdirSync(out);
    writeFileSync(join(out, 'stale.xml'), 'old');
    await writeStatic(site, out);
    expect(existsSync(join(out, 'stale.xml'))).toBe(false);
    expect(readdirSync(join(out, '..'))).toEqual(['feeds']);
  });
  it('recovers from a crash between the two renames and drops stale staging folders', async () => {
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
