import { describe, expect, it } from 'vitest';
import { enrichInWorkers, enrichOutcome } from '../src/build/workers.js';
import { loadRules } from '../src/normalize/index.js';
import { prepareDocuments } from '../src/pipeline.js';
import type { RawDocument } from '../src/types.js';

function raw(i: number): RawDocument {
  const text = `Story ${i}: Ministers meet in Vienna\n\nForeign ministers from Austria and Germany met in Vienna on day ${i} to discuss energy prices with the European Commission.\n\nChancellor Olaf Scholz said the talks were useful and would continue.\n`;
  return { path: `${String(i).padStart(3, '0')}.txt`, bytes: Buffer.from(text), mtime: new Date(Date.UTC(2024, 0, 1, 0, i)) };
}

describe('enrichInWorkers', () => {
  const raws = Array.from({ length: 40 }, (_, i) => raw(i));
  const prepared = prepareDocuments(raws, {
    site: { title: 'T', description: 'D', url: 'http://localhost:3000', author: { name: 'A' } },
    limit: 50,
    rules: loadRules(),
  });
  const here = prepared.sources.map((source) => enrichOutcome(source, prepared));

  it('gives the items the calling thread would, in input order, across several batches and worker threads', async () => {
    const done: number[] = [];
    const sources = [...prepared.sources];
    const there = await enrichInWorkers(sources, prepared, 2, (count) => done.push(count), { callingThread: false });
    expect(there).toEqual(here);
    // Handed out, so the caller no longer holds them.
    expect(sources.filter((source) => source !== undefined)).toEqual([]);
    expect(there.map((o) => ('item' in o ? o.item.path : o.reason))).toEqual(raws.map((r) => r.path));
    // Batches shrink towards the end, so more than 40 / 16 answers arrive.
    expect(done.length).toBeGreaterThan(3);
    expect(done.at(-1)).toBe(40);
  });

  it('gives the same items when the calling thread takes documents while the workers start', async () => {
    const done: number[] = [];
    const sources = [...prepared.sources];
    const there = await enrichInWorkers(sources, prepared, 2, (count) => done.push(count));
    expect(there).toEqual(here);
    expect(sources.filter((source) => source !== undefined)).toEqual([]);
    expect(done.at(-1)).toBe(40);
  });

  it('reports a document that fails as that document\'s reason, not a crash', async () => {
    const prepared = prepareDocuments([raw(1)], {
      site: { title: 'T', description: 'D', url: 'http://localhost:3000', author: { name: 'A' } },
      limit: 50,
      rules: loadRules(),
    });
    const broken = { ...prepared.sources[0]!, blocks: null as never };
    const [outcome] = await enrichInWorkers([broken], prepared, 2, undefined, { callingThread: false });
    expect(outcome).toEqual(enrichOutcome(broken, prepared));
    expect(outcome).toHaveProperty('reason');
  });
});
