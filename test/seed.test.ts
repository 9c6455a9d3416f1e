// The first real input, end to end through ingest → normalize → enrich, against a golden item.
// Regenerate the golden file after an intended change with UPDATE_GOLDEN=1 and review the diff.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { enrichArticle } from '../src/enrich/index.js';
import { ingestDocument } from '../src/ingest/index.js';
import { loadRules, normalizeDocument } from '../src/normalize/index.js';
import { countWords } from '../src/text/clean.js';

const ROOT = join(import.meta.dirname, '..');
const GOLDEN = join(import.meta.dirname, 'fixtures', 'seed-item.json');
const SEED = '000_d11a85e7f0a92099.txt';
const rules = loadRules();

const item = enrichArticle(
  normalizeDocument(ingestDocument({ path: SEED, bytes: readFileSync(join(ROOT, 'seeds', SEED)), mtime: new Date(0) }, { sourceDateEpoch: new Date('2024-01-01T00:00:00Z') }), rules),
  { siteUrl: 'http://localhost:3000', entityAliases: rules.entityAliases },
);

describe('the seed item', () => {
  it('keeps the first line as its title, exactly', () => {
    expect(item.title).toBe('Russia does not rule out deployments in Cuba and Venezuela and threatens a total break with the United States');
  });
  it('has none of the scraper boilerplate anywhere', () => {
    for (const text of [item.title, item.summary, item.contentHtml, item.contentText]) {
      expect(text).not.toMatch(/Share your love|I also read|Read\s+Also|Maduro ratifies|Article Source/i);
    }
  });
  it('canonicalizes source-language leftovers and keeps the subheading as <h2>', () => {
    expect(item.contentText).not.toMatch(/OTAN|EE\.UU| Y Venezuela/);
    expect(item.contentText).toContain('between Russia and the NATO in Vienna');
    expect(item.contentText).toContain('military deployment in Cuba and Venezuela');
    expect(item.contentHtml).toContain('<h2>US-Russia: ¿ruptura total?</h2>');
  });
  it('keeps every body paragraph in order, with typographic quotes', () => {
    const paragraphs = item.contentHtml.match(/<p>/g) ?? [];
    expect(paragraphs).toHaveLength(9);
    expect(item.contentText.indexOf('Russia raised the stakes')).toBeLessThan(item.contentText.indexOf('Dmitry Peskov criticized'));
    expect(item.contentText).toContain('“everything depends on the actions of our American counterparts,”');
    expect(item.contentText).not.toMatch(/\u00A0| {2}/);
  });
  it('has a summary of 1–2 sentences from the article, at most 60 words', () => {
    expect(countWords(item.summary)).toBeLessThanOrEqual(60);
    const sentences = item.summary.match(/[.!?](\s|$)/g) ?? [];
    expect(sentences.length).toBeGreaterThanOrEqual(1);
    expect(sentences.length).toBeLessThanOrEqual(2);
    expect(item.contentText).toContain(item.summary);
  });
  it('is filed under World with entity tags for its people, places and organisations', () => {
    expect(item.section).toBe('World');
    const names = item.tags.map((t) => t.name);
    for (const name of ['Russia', 'Cuba', 'Venezuela', 'United States', 'Ukraine', 'NATO', 'Sergei Ryabkov', 'Dmitry Peskov', 'Vladimir Putin', 'Geneva']) {
      expect(names).toContain(name);
    }
  });
  it('has a stable id from the file name and a link to its own page', () => {
    expect(item.key).toBe('d11a85e7f0a92099');
    expect(item.id).toBe('urn:uuid:352a9659-d961-534e-8a85-b47e557fb1cf');
    expect(item.language).toBe('en');
  });
  it('matches the golden item', () => {
    const actual = JSON.parse(JSON.stringify(item));
    if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 2)}\n`);
    expect(actual).toEqual(JSON.parse(readFileSync(GOLDEN, 'utf8')));
  });
});
