import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ItemCache } from '../src/build/cache.js';
import { loadRules } from '../src/normalize/index.js';
import { enrichDocument } from '../src/enrich-document.js';
import { prepareDocuments, type PipelineOptions } from '../src/pipeline.js';
import type { RawDocument } from '../src/types.js';

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

  it('are the same for the same document and differ when its text, path or date changes', () => {
    const key = (doc: RawDocument) => {
      const p = prepare(doc);
      return cache.keyOf(p.sources[0]!, p.repeated);
    };
    const base = key(raw('a.txt', STORY));
    expect(key(raw('a.txt', STORY))).toBe(base);
    expect(key(raw('a.txt', STORY.replace('next week', 'next month')))).not.toBe(base);
    expect(key(raw('b.txt', STORY))).not.toBe(base);
    expect(key({ ...raw('a.txt', STORY), mtime: new Date('2024-03-02T10:00:00Z') })).not.toBe(base);
  });

  it('change when a line of the document becomes corpus-level boilerplate, and only then', () => {
    const doc = prepare(raw('a.txt', STORY)).sources[0]!;
    const alone = cache.keyOf(doc, new Set());
    expect(cache.keyOf(doc, new Set(['some line other documents repeat']))).toBe(alone);
    expect(cache.keyOf(doc, new Set(['newsletter get the morning briefing']))).not.toBe(alone);
  });

  it('differ between rule sets', () => {
    const p = prepare(raw('a.txt', STORY));
    const other = ItemCache.open(mkdtempSync(join(tmpdir(), 'wf-cache-')), { ...p, enrichOptions: { ...p.enrichOptions, fallbackSection: 'World' } });
    expect(other.keyOf(p.sources[0]!, p.repeated)).not.toBe(cache.keyOf(p.sources[0]!, p.repeated));
  });
});

describe('ItemCache storage', () => {
  it('gives back, after a save, the items set, dates included; unknown keys miss', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-cache-'));
    const p = prepare(raw('a.txt', STORY));
    const item = enrichDocument(p.sources[0]!, p);
    const writer = ItemCache.open(dir, p);
    const key = writer.keyOf(p.sources[0]!, p.repeated);
    writer.set(key, item);
    await writer.save();

    const reader = ItemCache.open(dir, p);
    const back = await reader.get(key);
    expect(back).toEqual(item);
    expect(back?.published).toBeInstanceOf(Date);
    expect(await reader.get('f'.repeat(64))).toBeUndefined();
  });

  it('decodes a shard once however many lookups of one build wait for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-cache-'));
    const p = prepare(raw('a.txt', STORY));
    const writer = ItemCache.open(dir, p);
    writer.set('cc'.padEnd(64, '0'), enrichDocument(p.sources[0]!, p));
    await writer.save();
    const reader = ItemCache.open(dir, p);
    const found = await Promise.all(Array.from({ length: 20 }, () => reader.get('cc'.padEnd(64, '0'))));
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
    await second.get('aa'.padEnd(64, '0'));
    await second.save();
    const third = ItemCache.open(dir, p);
    expect(await third.get('aa'.padEnd(64, '0'))).toEqual(item);
    expect(await third.get('bb'.padEnd(64, '0'))).toBeUndefined();
    expect(readdirSync(join(dir, 'items'))).toHaveLength(1);

    expect(await ItemCache.open(join(dir, 'missing'), p).get('aa'.padEnd(64, '0'))).toBeUndefined();
  });
});
