import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileDigests } from '../src/build/file-digests.js';
import { readSeeds } from '../src/ingest/read.js';
import { factsOf } from '../src/build/documents.js';
import { runInWorkers, threadOutcome, type FactsOutcome, type Job, type Outcome, type ThreadData } from '../src/build/workers.js';
import { ingestDocument } from '../src/ingest/index.js';
import { loadRules } from '../src/normalize/index.js';
import { prepareDocuments } from '../src/pipeline.js';
import type { RawDocument } from '../src/types.js';

function raw(i: number): RawDocument {
  const text = `Story ${i}: Ministers meet in Vienna\n\nForeign ministers from Austria and Germany met in Vienna on day ${i} to discuss energy prices with the European Commission.\n\nChancellor Olaf Scholz said the talks were useful and would continue.\n`;
  return { path: `${String(i).padStart(3, '0')}.txt`, bytes: Buffer.from(text), mtime: new Date(Date.UTC(2024, 0, 1, 0, i)) };
}

describe('runInWorkers', () => {
  const raws = Array.from({ length: 40 }, (_, i) => raw(i));
  const prepared = prepareDocuments(raws, {
    site: { title: 'T', description: 'D', url: 'http://localhost:3000', author: { name: 'A' } },
    limit: 50,
    rules: loadRules(),
  });
  const data: ThreadData = { context: prepared, env: {} };
  const here = prepared.sources.map((source) => threadOutcome({ source }, data));

  it('gives the items the calling thread would, in input order, across several batches and worker threads', async () => {
    const done: number[] = [];
    const jobs: (Job | undefined)[] = prepared.sources.map((source) => ({ source }));
    const there = await runInWorkers(jobs, data, 2, { onDone: (count) => done.push(count), callingThread: false });
    expect(there).toEqual(here);
    // Handed out, so the caller no longer holds them.
    expect(jobs.filter((job) => job !== undefined)).toEqual([]);
    expect(there.map((o) => ('item' in o ? o.item.path : o.reason))).toEqual(raws.map((r) => r.path));
    // Batches shrink towards the end, so more than 40 / 16 answers arrive.
    expect(done.length).toBeGreaterThan(3);
    expect(done.at(-1)).toBe(40);
  });

  it('gives the same items when the calling thread takes documents while the workers start', async () => {
    const done: number[] = [];
    const jobs: (Job | undefined)[] = prepared.sources.map((source) => ({ source }));
    const there = await runInWorkers(jobs, data, 2, { onDone: (count) => done.push(count) });
    expect(there).toEqual(here);
    expect(jobs.filter((job) => job !== undefined)).toEqual([]);
    expect(done.at(-1)).toBe(40);
  });

  it('parses raw documents where it enriches them, with the same items as parsed ones', async () => {
    const jobs = raws.map((document) => ({ raw: document }));
    expect(await runInWorkers([...jobs], data, 2, { callingThread: false })).toEqual(here);
    expect(jobs.map((job) => threadOutcome(job, data))).toEqual(here);
  });

  it('reports a raw document whose bytes cannot be read as that document\'s reason', async () => {
    const unreadable = Object.defineProperty({ path: 'gone.txt', mtime: new Date(0) }, 'bytes', {
      enumerable: true,
      get: () => {
        throw new Error('changed while the build read it; build again');
      },
    }) as RawDocument;
    const outcomes = await runInWorkers([{ raw: unreadable }, { raw: raws[0]! }], data, 2, { callingThread: false });
    expect(outcomes[0]).toEqual({ reason: 'changed while the build read it; build again' });
    expect(outcomes[1]).toEqual(here[0]);
  });

  it('holds what `keep` makes of each outcome as it comes back', async () => {
    const kept: Outcome[] = [];
    const keep = (outcome: Outcome): Outcome => (kept.push(outcome), { reason: `kept ${kept.length}` });
    const there = await runInWorkers(prepared.sources.map((source) => ({ source })), data, 2, { keep });
    expect(kept).toHaveLength(40);
    // Each slot holds what `keep` returned for it, not the outcome.
    expect(there.map((o) => ('reason' in o ? o.reason : '')).sort()).toEqual(kept.map((_, i) => `kept ${i + 1}`).sort());
    expect(kept.map((o) => ('item' in o ? o.item.path : '')).sort()).toEqual(raws.map((r) => r.path));
  });

  it('parses documents for their facts alone, before the corpus-wide context is known', async () => {
    const broken = { path: 'empty.txt', mtime: new Date(0), bytes: Buffer.from('\n\n') };
    const jobs = [...raws, broken].map((document) => ({ factsOf: document }));
    const there = await runInWorkers<FactsOutcome>([...jobs], { env: {} }, 2, { callingThread: false });
    expect(there).toEqual([...raws.map((document) => ({ facts: factsOf(ingestDocument(document)) })), { reason: expect.stringMatching(/no title/) }]);
    expect(jobs.map((job) => threadOutcome(job, { env: {} }))).toEqual(there);
  });

  it('fails, and stops every thread, when `keep` throws', async () => {
    let calls = 0;
    const keep = (outcome: Outcome): Outcome => {
      if (++calls === 5) throw new Error('no space left on device');
      return outcome;
    };
    for (const callingThread of [true, false]) {
      calls = 0;
      const jobs: (Job | undefined)[] = prepared.sources.map((source) => ({ source }));
      await expect(runInWorkers(jobs, data, 2, { keep, callingThread })).rejects.toThrow('no space left on device');
      // Nothing more was handed out after the failure.
      expect(jobs.filter((job) => job !== undefined).length).toBeGreaterThan(0);
    }
  });

  it('sends a document read from disk on use (readSeeds with digests) with its bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-workers-'));
    for (const document of raws.slice(0, 3)) writeFileSync(join(dir, document.path), document.bytes);
    // No bytes held: each is read from disk as it is sent.
    const read = await readSeeds(dir, undefined, await FileDigests.open(`${dir}-cache`), 0);
    const outcomes = await runInWorkers(read.documents.map((document) => ({ raw: document })), data, 2, { callingThread: false });
    expect(outcomes.map((o) => ('item' in o ? o.item.title : o.reason))).toEqual(here.slice(0, 3).map((o) => ('item' in o ? o.item.title : o.reason)));
  });

  it('reports a document that fails as that document\'s reason, not a crash', async () => {
    const prepared = prepareDocuments([raw(1)], {
      site: { title: 'T', description: 'D', url: 'http://localhost:3000', author: { name: 'A' } },
      limit: 50,
      rules: loadRules(),
    });
    const broken = { source: { ...prepared.sources[0]!, blocks: null as never } };
    const [outcome] = await runInWorkers([broken], { context: prepared, env: {} }, 2, { callingThread: false });
    expect(outcome).toEqual(threadOutcome(broken, { context: prepared, env: {} }));
    expect(outcome).toHaveProperty('reason');
  });
});
