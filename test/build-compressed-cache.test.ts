import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CompressedCache } from '../src/build/compressed-cache.js';
import { planSite, renderBody, renderResource } from '../src/publish/site.js';
import { catalogOf, makeItem } from './support/items.js';

const plans = planSite(catalogOf([makeItem('one'), makeItem('two')]));
const rss = plans.find((plan) => plan.path === '/rss.xml')!;
const page = plans.find((plan) => plan.path === '/items/one')!;

function setup(): { root: string; out: string; entries: () => string[] } {
  const root = mkdtempSync(join(tmpdir(), 'wf-compressed-'));
  const out = join(root, 'out');
  mkdirSync(out);
  const base = join(root, '.cache', 'compressed');
  const entries = (): string[] => readdirSync(base).flatMap((salt) => readdirSync(join(base, salt)).map((name) => join(base, salt, name)));
  return { root, out, entries };
}

describe('CompressedCache', () => {
  it('places the same gzip and brotli bytes the server would send', async () => {
    const { root, out } = setup();
    const cache = await CompressedCache.open(join(root, '.cache'));
    const { body, etag } = renderBody(rss);
    await cache.place(body, etag, join(out, 'rss.xml'));
    const served = renderResource(rss);
    expect(readFileSync(join(out, 'rss.xml.gz')).equals(served.gzip)).toBe(true);
    expect(readFileSync(join(out, 'rss.xml.br')).equals(served.br)).toBe(true);
    expect(gunzipSync(readFileSync(join(out, 'rss.xml.gz'))).equals(body)).toBe(true);
    expect(brotliDecompressSync(readFileSync(join(out, 'rss.xml.br'))).equals(body)).toBe(true);
  });

  it('a later build with the same body links the stored entry instead of compressing again', async () => {
    const { root, out, entries } = setup();
    const { body, etag } = renderBody(rss);
    await (await CompressedCache.open(join(root, '.cache'))).place(body, etag, join(out, 'first.xml'));
    const stored = entries().map((file) => statSync(file).ino).sort();
    await (await CompressedCache.open(join(root, '.cache'))).place(body, etag, join(out, 'second.xml'));
    // Same inodes: the entries were neither rewritten nor replaced, and the placed files are links to them.
    expect(entries().map((file) => statSync(file).ino).sort()).toEqual(stored);
    expect([statSync(join(out, 'second.xml.gz')).ino, statSync(join(out, 'second.xml.br')).ino].sort()).toEqual(stored);
  });

  it('compresses a body shared by files in flight together once', async () => {
    const { root, out, entries } = setup();
    const cache = await CompressedCache.open(join(root, '.cache'));
    const { body, etag } = renderBody(rss);
    await Promise.all(['a', 'b', 'c'].map((name) => cache.place(body, etag, join(out, name))));
    expect(entries()).toHaveLength(2);
    expect(new Set(['a', 'b', 'c'].map((name) => statSync(join(out, `${name}.gz`)).ino)).size).toBe(1);
  });

  it('keeps only what the last build used, and other settings\' folders go', async () => {
    const { root, out, entries } = setup();
    const stale = join(root, '.cache', 'compressed', 'other-setting');
    mkdirSync(stale, { recursive: true });
    writeFileSync(join(stale, 'x.gz'), 'old');
    const first = await CompressedCache.open(join(root, '.cache'));
    for (const plan of [rss, page]) {
      const { body, etag } = renderBody(plan);
      await first.place(body, etag, join(out, plan.file.replaceAll('/', '_')));
    }
    await first.finish();
    expect(entries()).toHaveLength(4);
    expect(existsSync(stale)).toBe(false);
    const second = await CompressedCache.open(join(root, '.cache'));
    const { body, etag } = renderBody(page);
    await second.place(body, etag, join(out, 'again'));
    await second.finish();
    expect(entries().map((file) => file.slice(-3)).sort()).toEqual(['.br', '.gz']);
    expect(entries().every((file) => file.includes(etag.slice(1, -1)))).toBe(true);
  });

  it('deleting the folder is safe: placed files keep their bytes, and the next build compresses again', async () => {
    const { root, out } = setup();
    const { body, etag } = renderBody(rss);
    await (await CompressedCache.open(join(root, '.cache'))).place(body, etag, join(out, 'rss.xml'));
    const before = readFileSync(join(out, 'rss.xml.br'));
    rmSync(join(root, '.cache'), { recursive: true });
    expect(readFileSync(join(out, 'rss.xml.br')).equals(before)).toBe(true);
    await (await CompressedCache.open(join(root, '.cache'))).place(body, etag, join(out, 'again.xml'));
    expect(readFileSync(join(out, 'again.xml.br')).equals(before)).toBe(true);
  });
});
