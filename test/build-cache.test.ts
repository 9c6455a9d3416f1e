import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ItemCache } from '../src/build/cache.js';
import { lineHash, type DocumentFacts } from '../src/build/documents.js';
import { loadRules } from '../src/normalize/index.js';
import { enrichDocument } from '../src/enrich-document.js';
import { prepareDocuments, type PipelineOptions } from '../src/pipeline.js';
import type { RawDocument } from '../src/types.js';
import { withBody } from './support/items.js';

const OPTIONS: PipelineOptions = {
  site: { title: 'T', description: 'D', url: 'http://localhost:3000', author: { name: 'A' } },
  limit: 50,
  rules: loadRules(),
};
const DATE = new Date('2024-03-01T10:00:00Z');

function raw(path: string, text: string): RawDocument {
  return { path, bytes: Buffer.from(text), mtime: DATE };
}

const STORY = 'Talks resume in Geneva\n\nThe Deputy Foreign Minister, Sergei Ryabkov, said on Thursday that talks in Geneva would resume next week.\n\nNewsletter: get the morning briefing\n\nPeskov reported some positive elements during the talks with NATO.\n';

function prepare(...raws: RawDocument[]) {
  return prepareDocuments(raws, OPTIONS);
}

describe('ItemCache keys', () => {
  const cache = ItemCache.open(mkdtempSync(join(tmpdir(), 'wf-cache-')), prepare());

  it('depend on the document key and on the repeated lines the document contains, in any order', () => {
    const base = cache.keyOf('doc-1', []);
    expect(cache.keyOf('doc-1', [])).toBe(base);
    expect(cache.keyOf('doc-2', [])).not.toBe(base);
    const newsletter = lineHash('newsletter get the morning briefing');
    const other = lineHash('reuters contributed');
    expect(cache.keyOf('doc-1', [newsletter])).not.toBe(base);
    expect(cache.keyOf('doc-1', [newsletter, other])).toBe(cache.keyOf('doc-1', [other, newsletter]));
  });

  it('are made once per document while its facts and the repeated lines stay the same (keysOf)', () => {
    const own = ItemCache.open(mkdtempSync(join(tmpdir(), 'wf-cache-')), prepare());
    const newsletter = lineHash('newsletter get the morning briefing');
    const other = lineHash('reuters contributed');
    const facts = (checked: string[]): DocumentFacts => ({ key: 'k', updated: 0, candidates: [], checked: checked.join('') });
    const docs = [
      { documentKey: 'doc-1', facts: facts([newsletter, other]) },
      { documentKey: 'doc-2', facts: facts([other]) },
    ];
    const made = vi.spyOn(own, 'keyOf');
    const first = own.keysOf(docs, new Set([newsletter]));
    expect(first).toEqual([own.keyOf('doc-1', [newsletter]), own.keyOf('doc-2', [])]);
    made.mockClear();
    // An equal set of repeated lines, as the next build of a watching process makes it.
    expect(own.keysOf(docs, new Set([newsletter]))).toEqual(first);
    expect(made).not.toHaveBeenCalled();
    // Another repeated line, another document key, new facts: made again.
    expect(own.keysOf(docs, new Set([newsletter, other]))).toEqual([own.keyOf('doc-1', [newsletter, other]), own.keyOf('doc-2', [other])]);
    made.mockClear();
    const renamed = [{ ...docs[0]!, documentKey: 'doc-3' }, { documentKey: 'doc-2', facts: facts([other]) }];
    expect(own.keysOf(renamed, new Set([newsletter, other]))).toEqual([own.keyOf('doc-3', [newsletter, other]), own.keyOf('doc-2', [other])]);
    expect(made).toHaveBeenCalledTimes(4);
  });

  it('differ between rule sets', () => {
    const p = prepare(raw('a.txt', STORY));
    const other = ItemCache.open(mkdtempSync(join(tmpdir(), 'wf-cache-')), { ...p, enrichOptions: { ...p.enrichOptions, fallbackSection: 'World' } });
    expect(other.keyOf('doc-1', [])).not.toBe(cache.keyOf('doc-1', []));
  });
});

describe('ItemCache storage', () => {
  it('gives back, after a save, the items set, dates included; unknown keys miss', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-cache-'));
    const p = prepare(raw('a.txt', STORY));
    const item = enrichDocument(p.sources[0]!, p);
    const writer = ItemCache.open(dir, p);
    const key = writer.keyOf('doc-1', []);
    writer.set(key, item);
    await writer.save();

    const reader = ItemCache.open(dir, p);
    const back = reader.get(key);
    expect(withBody(back!)).toEqual(item);
    expect(back?.published).toBeInstanceOf(Date);
    expect(reader.get('f'.repeat(64))).toBeUndefined();
  });

  it('decodes a shard once however many lookups of one build ask for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-cache-'));
    const p = prepare(raw('a.txt', STORY));
    const writer = ItemCache.open(dir, p);
    writer.set('cc'.padEnd(64, '0'), enrichDocument(p.sources[0]!, p));
    await writer.save();
    const reader = ItemCache.open(dir, p);
    const found = Array.from({ length: 20 }, () => reader.get('cc'.padEnd(64, '0')));
    expect(found[0]).toBeDefined();
    for (const item of found) expect(item).toBe(found[0]);
  });

  it('keeps only what the last build used, and a deleted folder is only a miss', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-cache-'));
    const p = prepare(raw('a.txt', STORY));
    const item = enrichDocument(p.sources[0]!, p);
    const first = ItemCache.open(dir, p);
    first.set('aa'.padEnd(64, '0'), item);
    first.set('bb'.padEnd(64, '0'), item);
    await first.save();
    const second = ItemCache.open(dir, p);
    second.get('aa'.padEnd(64, '0'));
    await second.save();
    const third = ItemCache.open(dir, p);
    expect(withBody(third.get('aa'.padEnd(64, '0'))!)).toEqual(item);
    expect(third.get('bb'.padEnd(64, '0'))).toBeUndefined();
    expect(readdirSync(join(dir, 'items'))).toHaveLength(1);

    expect(ItemCache.open(join(dir, 'missing'), p).get('aa'.padEnd(64, '0'))).toBeUndefined();
  });
});
