import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileDigests } from '../src/build/file-digests.js';
import { buildSite, BuildSession } from '../src/build/index.js';
import { readSeeds } from '../src/ingest/read.js';
import { renderSite } from '../src/publish/site.js';
import { loadRules } from '../src/normalize/index.js';
import { runPipeline, type PipelineOptions } from '../src/pipeline.js';
import type { RawDocument } from '../src/types.js';

const OPTIONS: PipelineOptions = {
  site: { title: 'T', description: 'D', url: 'http://localhost:3000', author: { name: 'A' } },
  limit: 10,
  rules: loadRules(),
};

function corpus(count: number): RawDocument[] {
  const towns = ['Vienna', 'Geneva', 'Madrid', 'Lisbon', 'Warsaw'];
  return Array.from({ length: count }, (_, i) => ({
    path: `${String(i).padStart(3, '0')}.txt`,
    mtime: new Date(Date.UTC(2024, 0, 1, 0, i)),
    bytes: Buffer.from(
      `Mayors meet in ${towns[i % 5]} for round ${i}\n\nShare your love\n\nThe mayors of ${towns[i % 5]} and ${towns[(i + 1) % 5]} met on Monday to discuss housing, said spokeswoman Anna Berg.\n\nSubscribe to our newsletter for daily updates\n\nThe talks will continue in ${towns[(i + 2) % 5]} next month, officials said.\n`,
    ),
  }));
}

function bodies(site: ReturnType<typeof runPipeline>['site']): Map<string, string> {
  return new Map([...site].map(([path, resource]) => [path, resource.body.toString('utf8')]));
}

describe('buildSite', () => {
  it('publishes what runPipeline publishes, cold (worker threads) and warm (cache hits)', async () => {
    const raws = corpus(60);
    const expected = bodies(runPipeline(raws, OPTIONS).site);
    const cacheDir = mkdtempSync(join(tmpdir(), 'wf-build-'));

    const cold = await buildSite(raws, { ...OPTIONS, cacheDir, threads: 2 });
    expect(cold.stats).toMatchObject({ documents: 60, cached: 0, enriched: 60, parsed: 60, threads: 2 });
    expect(bodies(renderSite(cold.catalog))).toEqual(expected);
    // The new items' bodies went to disk as they came: the catalog holds their heads.
    expect(cold.catalog.items.filter((item) => Object.keys(item).includes('contentHtml'))).toEqual([]);

    const warm = await buildSite(raws, { ...OPTIONS, cacheDir, threads: 2 });
    // Unchanged files are hashed, not parsed.
    expect(warm.stats).toMatchObject({ cached: 60, enriched: 0, parsed: 0 });
    expect(bodies(renderSite(warm.catalog))).toEqual(expected);
  });

  it('with documents read from disk on use, has the workers parse those whose facts are cached but whose items are not', async () => {
    const raws = corpus(60);
    const dir = mkdtempSync(join(tmpdir(), 'wf-build-'));
    const seeds = join(dir, 'seeds');
    mkdirSync(seeds);
    for (const raw of raws) {
      writeFileSync(join(seeds, raw.path), raw.bytes);
      utimesSync(join(seeds, raw.path), raw.mtime, raw.mtime);
    }
    const cacheDir = join(dir, 'cache');
    // No bytes held: each use reads the file.
    const read = async () => (await readSeeds(seeds, undefined, await FileDigests.open(cacheDir), 0)).documents;
    await buildSite(await read(), { ...OPTIONS, cacheDir, threads: 2 });
    rmSync(join(cacheDir, 'items'), { recursive: true });
    const again = await buildSite(await read(), { ...OPTIONS, cacheDir, threads: 2 });
    expect(again.stats).toMatchObject({ cached: 0, enriched: 60, parsed: 60, threads: 2 });
    expect(bodies(renderSite(again.catalog))).toEqual(bodies(runPipeline(raws, OPTIONS).site));
  });

  it('parses many documents for their facts on worker threads, with the same facts as the calling thread', async () => {
    const raws = corpus(1000);
    const cacheDir = mkdtempSync(join(tmpdir(), 'wf-build-'));
    const cold = await buildSite(raws, { ...OPTIONS, cacheDir, threads: 2 });
    expect(cold.stats).toMatchObject({ cached: 0, enriched: 1000, parsed: 1000 });
    const expected = bodies(runPipeline(raws, OPTIONS).site);
    expect(bodies(renderSite(cold.catalog))).toEqual(expected);
    // Facts parsed again on threads key every item as before: all are found in the item cache.
    rmSync(join(cacheDir, 'documents'), { recursive: true });
    const again = await buildSite(raws, { ...OPTIONS, cacheDir, threads: 2 });
    expect(again.stats).toMatchObject({ cached: 1000, enriched: 0, parsed: 1000 });
    expect(bodies(renderSite(again.catalog))).toEqual(expected);
  }, 60_000);

  it('in a session, keeps its caches between builds and hashes only documents it has not seen', async () => {
    const raws = corpus(30);
    const cacheDir = mkdtempSync(join(tmpdir(), 'wf-build-'));
    const session = new BuildSession();
    await buildSite(raws, { ...OPTIONS, cacheDir, threads: 1, session });
    const edited = raws.map((r, i) => (i === 4 ? { ...r, bytes: Buffer.from(`${Buffer.from(r.bytes).toString()}\nA late paragraph was added.\n`) } : r));
    const again = await buildSite(edited, { ...OPTIONS, cacheDir, threads: 1, session });
    expect(again.stats).toMatchObject({ cached: 29, enriched: 1, parsed: 1 });
    expect(bodies(renderSite(again.catalog))).toEqual(bodies(runPipeline(edited, OPTIONS).site));
    // The session writes its caches once quiet, or when flushed; a build without the session then finds them.
    expect(await session.flush()).toBeUndefined();
    expect((await buildSite(edited, { ...OPTIONS, cacheDir, threads: 1 })).stats).toMatchObject({ cached: 30, parsed: 0 });
  });

  it('in a session, writes its caches only once quiet for a second, so they never delay the first requests for a rebuilt site', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'wf-build-'));
    const session = new BuildSession();
    await buildSite(corpus(5), { ...OPTIONS, cacheDir, threads: 1, session });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(readdirSync(cacheDir)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(readdirSync(cacheDir).sort()).toEqual(['documents', 'items']);
  });

  it('enriches again only the document that changed', async () => {
    const raws = corpus(8);
    const cacheDir = mkdtempSync(join(tmpdir(), 'wf-build-'));
    await buildSite(raws, { ...OPTIONS, cacheDir, threads: 1 });
    const edited = raws.map((r, i) => (i === 3 ? { ...r, bytes: Buffer.from(`${Buffer.from(r.bytes).toString()}\nA late paragraph from Lisbon was added.\n`) } : r));
    const again = await buildSite(edited, { ...OPTIONS, cacheDir, threads: 1 });
    expect(again.stats).toMatchObject({ cached: 7, enriched: 1, parsed: 1 });
    expect(bodies(renderSite(again.catalog))).toEqual(bodies(runPipeline(edited, OPTIONS).site));
  });

  it('reports failing documents like runPipeline does', async () => {
    const raws = [...corpus(3), { path: 'empty.txt', bytes: Buffer.from('\n\n'), mtime: new Date(0) }];
    const result = await buildSite(raws, { ...OPTIONS, threads: 1 });
    expect(result.failures).toEqual(runPipeline(raws, OPTIONS).failures);
    expect(result.failures.map((f) => f.path)).toEqual(['empty.txt']);
  });

  it('refuses a document dated in the future by the clock of each build, though its facts are cached', async () => {
    const dated = { path: 'later.md', mtime: new Date(0), bytes: Buffer.from('---\ndate: 2024-06-01T00:00:00Z\n---\n# Announced for June\n\nThe council will vote in June, officials said.\n') };
    const raws = [...corpus(3), dated];
    const cacheDir = mkdtempSync(join(tmpdir(), 'wf-build-'));
    const june = { ...OPTIONS, now: new Date('2024-06-02T00:00:00Z') };
    const may = { ...OPTIONS, now: new Date('2024-05-01T00:00:00Z') };
    expect((await buildSite(raws, { ...june, cacheDir, threads: 1 })).failures).toEqual([]);
    const early = await buildSite(raws, { ...may, cacheDir, threads: 1 });
    expect(early.failures).toEqual(runPipeline(raws, may).failures);
    expect(early.failures.map((f) => f.path)).toEqual(['later.md']);
    expect(early.catalog.items).toHaveLength(3);
  });

  it('enriches a cached document again when one of its lines becomes corpus-level boilerplate', async () => {
    const line = 'Sign up for the council bulletin';
    const story = (i: number, extra = '') => ({ path: `s${i}.txt`, mtime: new Date(Date.UTC(2024, 0, 1, 0, i)), bytes: Buffer.from(`Council story ${i}\n\nThe council met on Monday to discuss item ${i}, a spokesman said.\n\n${extra}`) });
    const first = [story(0, line), story(1, line), story(2)];
    const cacheDir = mkdtempSync(join(tmpdir(), 'wf-build-'));
    await buildSite(first, { ...OPTIONS, cacheDir, threads: 1 });
    // A third document with the line makes it repeated: s0 and s1 lose it, s2 and the new one are new or changed.
    const second = [story(0, line), story(1, line), story(2, line), story(3)];
    const again = await buildSite(second, { ...OPTIONS, cacheDir, threads: 1 });
    expect(again.stats).toMatchObject({ cached: 0, enriched: 4, parsed: 4 });
    expect(bodies(renderSite(again.catalog))).toEqual(bodies(runPipeline(second, OPTIONS).site));
    expect(bodies(renderSite(again.catalog)).get('/items/s0')).not.toContain(line);
  });
});
