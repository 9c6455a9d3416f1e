// Hostile variants of the seed (test/fixtures/seed-variants/): other encodings and line
// endings, invisible characters, other boilerplate in English and Spanish, a repeated title,
// character references, Markdown and a saved HTML page. Each must give the seed's golden item.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { enrichArticle } from '../src/enrich/index.js';
import { ingestDocument } from '../src/ingest/index.js';
import { loadRules, normalizeDocument } from '../src/normalize/index.js';
import type { Item } from '../src/types.js';

const DIR = join(import.meta.dirname, 'fixtures', 'seed-variants');
const golden = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'seed-item.json'), 'utf8')) as Item;
const rules = loadRules();
const variants = readdirSync(DIR).sort();

function itemOf(name: string): Item {
  const raw = { path: name, bytes: readFileSync(join(DIR, name)), mtime: new Date(0) };
  const doc = ingestDocument(raw, { sourceDateEpoch: new Date('2024-01-01T00:00:00Z') });
  return JSON.parse(JSON.stringify(enrichArticle(normalizeDocument(doc, rules), { siteUrl: 'http://localhost:3000', entityAliases: rules.entityAliases }))) as Item;
}

describe('hostile variants of the seed', () => {
  it('has a dozen of them', () => {
    expect(variants.length).toBeGreaterThanOrEqual(12);
  });
  it.each(variants)('%s gives the seed item', (name) => {
    const item = itemOf(name);
    expect(item.title).toBe(golden.title);
    expect(item.contentText).toBe(golden.contentText);
    expect(item.summary).toBe(golden.summary);
    expect(item.section).toBe(golden.section);
    expect(item.tags).toEqual(golden.tags);
    expect(item.language).toBe(golden.language);
    expect(item.wordCount).toBe(golden.wordCount);
    // The saved page's h2 and the Markdown heading are marked up by their authors; plain text infers the same <h2>.
    expect(item.contentHtml).toBe(golden.contentHtml);
  });
});
