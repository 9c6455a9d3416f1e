import { existsSync, readFileSync } from 'node:fs';
import nlp from 'compromise';
import { afterEach, describe, expect, it } from 'vitest';
import { ARTICLE_PAGES_DIR, loadArticlePages } from '../scripts/eval-extraction.js';
import { sweep, type SweepNet } from '../src/enrich/sweep.js';

// compromise's ES module build: its own instance, apart from the bundled one the tagger loads
// and gives our sweep, so the library's own sweep is still here to compare with.
type BulkMatch = (...args: never[]) => unknown;
const world = nlp.world() as unknown as { methods: { one: { bulkMatch: BulkMatch; buildNet(matches: object[], world: unknown): SweepNet } } };
const librarySweep = world.methods.one.bulkMatch;
const use = (bulkMatch: BulkMatch) => nlp.plugin({ methods: { one: { bulkMatch } } });
afterEach(() => use(librarySweep));

/** Every term's tags once the tagger's hooks have run (the hooks the entity tagger runs, and those it skips). */
function tagsOf(text: string, bulkMatch: BulkMatch): string[][] {
  use(bulkMatch);
  const doc = nlp(text) as unknown as { docs: { text: string; tags: Set<string> }[][] };
  return doc.docs.flat().map((term) => [term.text, ...[...term.tags].sort()]);
}

function expectSameTags(text: string, label: string): void {
  expect(tagsOf(text, sweep as BulkMatch), label).toEqual(tagsOf(text, librarySweep));
}

describe('sweep', () => {
  it('tags the seed and the fixtures as the library does', () => {
    const files = ['seeds/000_d11a85e7f0a92099.txt', 'test/fixtures/seed-variants/entities.txt', 'test/fixtures/seed-variants/spanish-boilerplate.txt', 'test/fixtures/seed-variants/more-boilerplate.txt'];
    for (const file of files) expectSameTags(readFileSync(file, 'utf8'), file);
  });

  it('tags text with numbers, dates, contractions, quotes and lists as the library does', () => {
    expectSameTags(
      "On Tuesday, March 3rd 2026 at 5pm, Dr. Jane O'Neil-Smith didn't say she'd paid $4.5 million (about €4m) to Acme Corp., the U.N. or 'the folks' in St. Louis, Missouri; she'll walk, run and swim 3.5 km, won't she? Mr. Lee, Ms. Kim and the Boston Red Sox agreed.",
      'mixed',
    );
  });

  it.skipIf(!existsSync(ARTICLE_PAGES_DIR))('tags the article-pages corpus as the library does', { timeout: 120_000 }, () => {
    for (const page of loadArticlePages()) expectSameTags(page.expected.slice(0, 6000), page.name);
  });

  it('finds the same matches, in the same order, for a net of its own, and stops at the first when asked', () => {
    const net = world.methods.one.buildNet(
      [
        { match: '#Person', tag: 'Actor' },
        { match: '(mayor|governor) #ProperNoun', tag: 'Person' },
        { match: '[#Noun] said', group: 0, tag: 'Actor' },
        { match: '[#ProperNoun] said', group: 0, ifNo: ['city'], tag: 'Actor' },
        { match: 'the #Adjective? #Noun', tag: 'Noun' },
        { match: '.', tag: 'Term' },
        // The same pattern twice: the library keeps the first.
        { match: '#Person', tag: 'Singular' },
      ],
      nlp.world(),
    );
    const doc = nlp('Mayor Adams said the old bridge is closed. Governor Hochul said the city agreed, and the mayor said so.') as unknown as {
      sweep(net: SweepNet, options: object): { found: { match: string; view: { text(): string } }[] };
    };
    const found = (bulkMatch: BulkMatch, options: object) => {
      use(bulkMatch);
      return doc.sweep(net, { tagger: false, ...options }).found.map((each) => [each.match, each.view.text()]);
    };
    for (const options of [{}, { matchOne: true }]) expect(found(sweep as BulkMatch, options)).toEqual(found(librarySweep, options));
    expect(found(sweep as BulkMatch, { matchOne: true })).toHaveLength(1);
    expect(found(sweep as BulkMatch, {}).length).toBeGreaterThan(10);
  });
});
