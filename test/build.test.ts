import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSite } from '../src/build/index.js';
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
    expect(cold.stats).toMatchObject({ documents: 60, cached: 0, enriched: 60, threads: 2 });
    expect(bodies(renderSite(cold.catalog))).toEqual(expected);

    const warm = await buildSite(raws, { ...OPTIONS, cacheDir, threads: 2 });
    expect(warm.stats).toMatchObject({ cached: 60, enriched: 0 });
    expect(bodies(renderSite(warm.catalog))).toEqual(expected);
  });

  it('enriches again only the document that changed', async () => {
    const raws = corpus(8);
    const cacheDir = mkdtempSync(join(tmpdir(), 'wf-build-'));
    await buildSite(raws, { ...OPTIONS, cacheDir, threads: 1 });
    const edited = raws.map((r, i) => (i === 3 ? { ...r, bytes: Buffer.from(`${Buffer.from(r.bytes).toString()}\nA late paragraph from Lisbon was added.\n`) } : r));
    const again = await buildSite(edited, { ...OPTIONS, cacheDir, threads: 1 });
    expect(again.stats).toMatchObject({ cached: 7, enriched: 1 });
    expect(bodies(renderSite(again.catalog))).toEqual(bodies(runPipeline(edited, OPTIONS).site));
  });

  it('reports failing documents like runPipeline does', async () => {
    const raws = [...corpus(3), { path: 'empty.txt', bytes: Buffer.from('\n\n'), mtime: new Date(0) }];
    const result = await buildSite(raws, { ...OPTIONS, threads: 1 });
    expect(result.failures).toEqual(runPipeline(raws, OPTIONS).failures);
    expect(result.failures.map((f) => f.path)).toEqual(['empty.txt']);
  });
});
