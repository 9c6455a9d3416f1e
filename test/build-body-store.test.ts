import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BodyStore, readStoredSite } from '../src/build/body-store.js';
import { planSite, renderBody, renderResource } from '../src/publish/site.js';
import { catalogOf, makeItem } from './support/items.js';

const plans = planSite(catalogOf([makeItem('one'), makeItem('two')]));
const rss = plans.find((plan) => plan.path === '/rss.xml')!;
const page = plans.find((plan) => plan.path === '/items/one')!;

function setup(): { root: string; out: string; entries: () => string[] } {
  const root = mkdtempSync(join(tmpdir(), 'wf-bodies-'));
  const out = join(root, 'out');
  mkdirSync(out);
  const base = join(root, '.cache', 'bodies');
  const entries = (): string[] =>
    readdirSync(base)
      .flatMap((salt) => readdirSync(join(base, salt)).map((name) => join(base, salt, name)))
      .filter((file) => !file.endsWith('rendered.v8'));
  return { root, out, entries };
}

describe('BodyStore', () => {
  it('places the body and the same gzip and brotli bytes the server would send', async () => {
    const { root, out } = setup();
    const store = await BodyStore.open(join(root, '.cache'));
    const { body, etag } = renderBody(rss);
    await store.place(body, etag, join(out, 'rss.xml'));
    const served = renderResource(rss);
    expect(readFileSync(join(out, 'rss.xml')).equals(body)).toBe(true);
    expect(readFileSync(join(out, 'rss.xml.gz')).equals(served.gzip)).toBe(true);
    expect(readFileSync(join(out, 'rss.xml.br')).equals(served.br)).toBe(true);
    expect(gunzipSync(readFileSync(join(out, 'rss.xml.gz'))).equals(body)).toBe(true);
    expect(brotliDecompressSync(readFileSync(join(out, 'rss.xml.br'))).equals(body)).toBe(true);
  });

  it('stores entries read-only, so an editor cannot change a stored body through a placed file', async () => {
    const { root, out, entries } = setup();
    const { body, etag } = renderBody(rss);
    await (await BodyStore.open(join(root, '.cache'))).place(body, etag, join(out, 'rss.xml'));
    for (const file of entries()) expect(statSync(file).mode & 0o222, file).toBe(0);
    if (process.getuid?.() !== 0) expect(() => writeFileSync(join(out, 'rss.xml'), 'edited')).toThrow(/EACCES/);
  });

  it('a later build with the same body links the stored entry instead of compressing again', async () => {
    const { root, out, entries } = setup();
    const { body, etag } = renderBody(rss);
    await (await BodyStore.open(join(root, '.cache'))).place(body, etag, join(out, 'first.xml'));
    const stored = entries().map((file) => statSync(file).ino).sort();
    await (await BodyStore.open(join(root, '.cache'))).place(body, etag, join(out, 'second.xml'));
    // Same inodes: the entries were neither rewritten nor replaced, and the placed files are links to them.
    expect(entries().map((file) => statSync(file).ino).sort()).toEqual(stored);
    expect(['second.xml', 'second.xml.gz', 'second.xml.br'].map((file) => statSync(join(out, file)).ino).sort()).toEqual(stored);
  });

  it('remembers which inputs gave which body for the next build, and places it without the body', async () => {
    const { root, out } = setup();
    const { body, etag } = renderBody(rss);
    const first = await BodyStore.open(join(root, '.cache'));
    expect(first.etagFor('inputs-1')).toBeUndefined();
    await first.place(body, etag, join(out, 'first.xml'), 'inputs-1');
    await first.finish();
    const second = await BodyStore.open(join(root, '.cache'));
    expect(second.etagFor('inputs-1')).toBe(etag);
    expect(second.etagFor('inputs-2')).toBeUndefined();
    expect(await second.placeStored(etag, join(out, 'second.xml'), 'inputs-1')).toBe(true);
    expect(readFileSync(join(out, 'second.xml')).equals(body)).toBe(true);
    expect((await second.read(etag)).equals(body)).toBe(true);
    await second.finish();
    // Inputs not seen by the last build are forgotten with it.
    const third = await BodyStore.open(join(root, '.cache'));
    expect(third.etagFor('inputs-1')).toBe(etag);
    await third.finish();
    expect((await BodyStore.open(join(root, '.cache'))).etagFor('inputs-1')).toBeUndefined();
  });

  it('lets a server read what the last finished build stored, by inputs, and writes nothing', async () => {
    const { root, out, entries } = setup();
    const empty = await readStoredSite(join(root, '.cache'));
    expect(empty.has('inputs-1')).toBe(false);
    expect(existsSync(join(root, '.cache'))).toBe(false);
    const { body, etag } = renderBody(rss);
    const served = renderResource(rss);
    const store = await BodyStore.open(join(root, '.cache'));
    await store.place(body, etag, join(out, 'rss.xml'), 'inputs-1');
    // Not finished: a build in progress has not said which inputs gave which body yet.
    expect((await readStoredSite(join(root, '.cache'))).has('inputs-1')).toBe(false);
    await store.finish();
    const before = entries().map((file) => [file, statSync(file).mtimeMs]);
    const reader = await readStoredSite(join(root, '.cache'));
    expect(reader.has('inputs-1')).toBe(true);
    expect(reader.has('inputs-2')).toBe(false);
    expect(reader.read('inputs-2')).toBeUndefined();
    const read = reader.read('inputs-1')!;
    expect(read.etag).toBe(etag);
    expect(read.body.equals(body)).toBe(true);
    expect(read.gzip.equals(served.gzip)).toBe(true);
    expect(read.br.equals(served.br)).toBe(true);
    expect(entries().map((file) => [file, statSync(file).mtimeMs])).toEqual(before);
    // An entry a later build dropped reads as nothing: the server renders that file.
    for (const file of entries().filter((file) => file.endsWith('.gz'))) rmSync(file);
    expect(reader.read('inputs-1')).toBeUndefined();
  });

  it('reads the stored site again only once another build has finished', async () => {
    const { root, out } = setup();
    const { body, etag } = renderBody(rss);
    const first = await BodyStore.open(join(root, '.cache'));
    await first.place(body, etag, join(out, 'one.xml'), 'inputs-1');
    await first.finish();
    const reader = await readStoredSite(join(root, '.cache'));
    expect(await readStoredSite(join(root, '.cache'), reader)).toBe(reader);
    const page = renderBody(plans.find((plan) => plan.path === '/items/one')!);
    const second = await BodyStore.open(join(root, '.cache'));
    second.keep(etag, 'inputs-1');
    await second.place(page.body, page.etag, join(out, 'two.html'), 'inputs-2');
    await second.finish();
    const again = await readStoredSite(join(root, '.cache'), reader);
    expect(again).not.toBe(reader);
    expect(again.has('inputs-2')).toBe(true);
    expect(again.read('inputs-2')!.body.equals(page.body)).toBe(true);
    expect(reader.has('inputs-2')).toBe(false);
  });

  it('keeps an entry a tree already holds without placing it, storing a body it does not have yet', async () => {
    const { root, out, entries } = setup();
    const { body, etag } = renderBody(rss);
    const first = await BodyStore.open(join(root, '.cache'));
    first.keep(etag, 'inputs-1');
    await first.hold(etag, body);
    await first.finish();
    expect(readdirSync(out)).toEqual([]);
    expect(entries()).toHaveLength(3);
    const second = await BodyStore.open(join(root, '.cache'));
    expect(second.etagFor('inputs-1')).toBe(etag);
    // Kept without a body: still counted as used, so the clean-up leaves it.
    second.keep(etag, 'inputs-1');
    await second.finish();
    expect(entries()).toHaveLength(3);
    expect((await BodyStore.open(join(root, '.cache'))).etagFor('inputs-1')).toBe(etag);
  });

  it('says so when a remembered body is gone, leaving nothing half-placed', async () => {
    const { root, out, entries } = setup();
    const { body, etag } = renderBody(rss);
    const first = await BodyStore.open(join(root, '.cache'));
    await first.place(body, etag, join(out, 'first.xml'), 'inputs-1');
    await first.finish();
    const second = await BodyStore.open(join(root, '.cache'));
    for (const file of entries().filter((file) => file.endsWith('.br'))) rmSync(file);
    expect(await second.placeStored(etag, join(out, 'second.xml'), 'inputs-1')).toBe(false);
    expect(readdirSync(out)).toEqual(['first.xml', 'first.xml.br', 'first.xml.gz']);
  });

  it('compresses a body shared by files in flight together once', async () => {
    const { root, out, entries } = setup();
    const store = await BodyStore.open(join(root, '.cache'));
    const { body, etag } = renderBody(rss);
    await Promise.all(['a', 'b', 'c'].map((name) => store.place(body, etag, join(out, name))));
    expect(entries()).toHaveLength(3);
    expect(new Set(['a', 'b', 'c'].map((name) => statSync(join(out, `${name}.gz`)).ino)).size).toBe(1);
  });

  it("keeps only what the last build used, and other settings' folders go", async () => {
    const { root, out, entries } = setup();
    const stale = join(root, '.cache', 'bodies', 'other-setting');
    mkdirSync(stale, { recursive: true });
    writeFileSync(join(stale, 'x.gz'), 'old');
    const first = await BodyStore.open(join(root, '.cache'));
    for (const plan of [rss, page]) {
      const { body, etag } = renderBody(plan);
      await first.place(body, etag, join(out, plan.file.replaceAll('/', '_')));
    }
    await first.finish();
    expect(entries()).toHaveLength(6);
    expect(existsSync(stale)).toBe(false);
    const second = await BodyStore.open(join(root, '.cache'));
    const { body, etag } = renderBody(page);
    await second.place(body, etag, join(out, 'again'));
    await second.finish();
    expect(entries().map((file) => file.slice(file.lastIndexOf('/') + 1).replace(etag.slice(1, -1), '')).sort()).toEqual(['', '.br', '.gz']);
  });

  it('leaves the entries a concurrent build stored after it opened', async () => {
    const { root, out, entries } = setup();
    const slow = await BodyStore.open(join(root, '.cache'));
    const fast = await BodyStore.open(join(root, '.cache'));
    const { body, etag } = renderBody(rss);
    await fast.place(body, etag, join(out, 'fast'));
    await fast.finish();
    await slow.finish();
    expect(entries()).toHaveLength(3);
  });

  it('deleting the folder is safe: placed files keep their bytes, and the next build compresses again', async () => {
    const { root, out } = setup();
    const { body, etag } = renderBody(rss);
    await (await BodyStore.open(join(root, '.cache'))).place(body, etag, join(out, 'rss.xml'));
    const before = readFileSync(join(out, 'rss.xml.br'));
    rmSync(join(root, '.cache'), { recursive: true });
    expect(readFileSync(join(out, 'rss.xml.br')).equals(before)).toBe(true);
    await (await BodyStore.open(join(root, '.cache'))).place(body, etag, join(out, 'again.xml'));
    expect(readFileSync(join(out, 'again.xml.br')).equals(before)).toBe(true);
  });
});
