import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DocumentCache, factsOf, lineHash } from '../src/build/documents.js';
import { ingestDocument } from '../src/ingest/index.js';
import { findRepeatedLines, fingerprint } from '../src/normalize/boilerplate.js';
import type { RawDocument } from '../src/types.js';

const DATE = new Date('2024-03-01T10:00:00Z');
const STORY = 'Talks resume in Geneva\n\nThe Deputy Foreign Minister said on Thursday that talks in Geneva would resume next week.\n\nNewsletter: get the morning briefing\n\n- Newsletter: get the morning briefing\n\n```\ncode is never boilerplate\n```\n';

function raw(path: string, text: string, extra: Partial<RawDocument> = {}): RawDocument {
  return { path, bytes: Buffer.from(text), mtime: DATE, ...extra };
}

describe('DocumentCache keys', () => {
  it('change with anything ingest reads: bytes, path, file and git dates, sidecar, SOURCE_DATE_EPOCH', async () => {
    const cache = await DocumentCache.open();
    const base = cache.keyOf(raw('a.txt', STORY), {});
    expect(cache.keyOf(raw('a.txt', STORY), { now: new Date() }), 'the clock is checked on every build, not keyed').toBe(base);
    const changed = [
      cache.keyOf(raw('a.txt', `${STORY}\nMore.\n`), {}),
      cache.keyOf(raw('b.txt', STORY), {}),
      cache.keyOf(raw('a.txt', STORY, { mtime: new Date('2024-03-02T10:00:00Z') }), {}),
      cache.keyOf(raw('a.txt', STORY, { gitDate: DATE }), {}),
      cache.keyOf(raw('a.txt', STORY, { dirty: true }), {}),
      cache.keyOf(raw('a.txt', STORY, { sidecar: { title: 'Other' } }), {}),
      cache.keyOf(raw('a.txt', STORY), { sourceDateEpoch: DATE }),
    ];
    expect(new Set([base, ...changed]).size).toBe(changed.length + 1);
  });
});

describe('DocumentCache facts', () => {
  it('hold what the corpus-wide stages need: id, date, the lines that count and the lines the boilerplate check reads', () => {
    const source = ingestDocument(raw('a.md', `# ${STORY}`));
    expect(source.blocks.map((block) => block.kind)).toEqual(['p', 'p', 'list', 'pre']);
    const facts = factsOf(source);
    expect(facts.key).toBe(source.key);
    expect(facts.updated).toBe(source.updated.getTime());
    // The candidate lines are findRepeatedLines' input: three copies of the document make them repeated.
    expect(new Set(facts.candidates)).toEqual(findRepeatedLines([source, source, source]));
    // The list item is checked too (it is removed when the line is repeated); code never is.
    expect(facts.checked).toContain(lineHash(fingerprint('Newsletter: get the morning briefing')));
    expect(facts.checked).not.toContain(lineHash(fingerprint('code is never boilerplate')));
  });

  it('come back after a save; unused facts are dropped, and a damaged file is only a miss', async () => {
    const root = mkdtempSync(join(tmpdir(), 'wf-docs-'));
    const writer = await DocumentCache.open(root);
    const source = ingestDocument(raw('a.txt', STORY));
    writer.set('k1', factsOf(source));
    writer.set('k2', factsOf(ingestDocument(raw('b.txt', STORY))));
    await writer.save();
    const reader = await DocumentCache.open(root);
    expect(reader.get('k1')).toEqual(factsOf(source));
    expect(reader.get('k3')).toBeUndefined();
    await reader.save();
    expect((await DocumentCache.open(root)).get('k2')).toBeUndefined();
    const [salt] = readdirSync(join(root, 'documents'));
    writeFileSync(join(root, 'documents', salt!), 'not a cache');
    expect((await DocumentCache.open(root)).get('k1')).toBeUndefined();
  });
});
