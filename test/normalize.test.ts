import { describe, expect, it } from 'vitest';
import { applyAliases, mapHtmlText } from '../src/normalize/aliases.js';
import { findRepeatedLines, isBoilerplate, repeatedAmong, RepeatedLines } from '../src/normalize/boilerplate.js';
import { loadRules, normalizeDocument } from '../src/normalize/index.js';
import { compileRules } from '../src/normalize/rules.js';
import { dropRepeatedTitle, markSubheadings } from '../src/normalize/structure.js';
import type { Block, SourceDocument } from '../src/types.js';

const rules = loadRules();
const p = (text: string): Block => ({ kind: 'p', text, html: text });
const none = new Set<string>();

describe('boilerplate rules', () => {
  it.each([
    'Share your love',
    'Share this article',
    'I also read: Russia and NATO open dialogue amid tensions over Ukraine',
    'Read Also Maduro ratifies Padrino López as Defense Minister',
    'Lee también: Maduro ratifica a Padrino López',
    'See also: the full timeline',
    'Related: Ten things to know',
    'Article Source',
    'Advertisement',
    'Subscribe to our newsletter for daily updates',
    'We use cookies to improve your experience.',
    'Follow us on Twitter and Facebook',
    'Síguenos en Instagram',
    'Te puede interesar: Maduro ratifica a Padrino López',
    'Mira también: las claves del acuerdo',
    'You might also like:',
    'Lesen Sie auch die folgenden Beiträge:',
    'Photo: Jane Doe/Reuters',
    '(Credit: Clayton Aldern / Grist)',
    'Fuente: EFE',
    '© 2024 Example Media Group',
    'Published: 4 May 2021',
    'Actualizado el 17.01.2021.',
    'Subscribe now to our digital edition for the full story.',
    'Do you want to be kept informed? Sign up here',
    'By continuing to use the site you agree to the use of cookies. More information',
    'Esta web utiliza cookies para mejorar la experiencia del usuario',
    'Leave a comment',
    'You must be logged in to post a comment.',
    'By',
  ])('removes "%s"', (line) => {
    expect(isBoilerplate(line, rules, none)).toBe(true);
  });
  it.each([
    'Russia raised the stakes in its confrontation with the West.',
    'The related companies reported losses.',
    'Sources said the talks failed.',
    'Share prices fell sharply on Monday after the announcement.',
    'She baked cookies for the whole street every Sunday.',
    'The photo was taken in 2019 by a passer-by.',
    'Published in 1851, the novel sold poorly.',
    'Comments from the minister drew criticism in Parliament.',
  ])('keeps prose "%s"', (line) => {
    expect(isBoilerplate(line, rules, none)).toBe(false);
  });
  it('never removes a long paragraph, whatever it starts with', () => {
    const long = `Related ${'words '.repeat(40)}end.`;
    expect(isBoilerplate(long, rules, none)).toBe(false);
  });
  it('is extended by user data files', () => {
    const extended = loadRules({ boilerplate: [{ patterns: ['brought to you by .*'] }] });
    expect(isBoilerplate('Brought to you by ACME', extended, none)).toBe(true);
    expect(isBoilerplate('Brought to you by ACME', rules, none)).toBe(false);
  });
});

describe('corpus-level repeated lines', () => {
  it('finds short lines shared by three or more documents', () => {
    const docs = ['a', 'b', 'c'].map((x) => ({ blocks: [p(`Story ${x} has its own text.`), p('Reuters contributed to this report.')] }));
    const repeated = findRepeatedLines(docs);
    expect(isBoilerplate('Reuters contributed to this report.', rules, repeated)).toBe(true);
    expect(isBoilerplate('Story a has its own text.', rules, repeated)).toBe(false);
    expect(findRepeatedLines(docs.slice(0, 2)).size).toBe(0);
  });

  it('kept up to date over edits, additions and deletions, gives what counting afresh gives, as one object while its members stay', () => {
    // A seeded walk: 12 documents drawing lines from a pool of 6, so lines keep crossing the three-document mark.
    let state = 7;
    const next = (n: number): number => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return Math.floor((state / 2 ** 32) * n);
    };
    const lines = (): string[] => [...new Set(Array.from({ length: next(4) }, () => `line ${next(6)}`))];
    let corpus = new Map(Array.from({ length: 12 }, (_, i) => [`doc${i}.txt`, lines()]));
    const counts = new RepeatedLines();
    let last: ReadonlySet<string> | undefined;
    let changes = 0;
    for (let step = 0; step < 400; step++) {
      corpus = new Map(corpus);
      const name = `doc${next(16)}.txt`;
      if (next(5) === 0) corpus.delete(name);
      else corpus.set(name, lines());
      const documents = [...corpus].map(([each, its]) => ({ name: each, lines: its }));
      const repeated = counts.among(documents);
      const fresh = repeatedAmong(documents.map((doc) => doc.lines));
      changes += Number([...fresh].sort().join() !== [...(last ?? [])].sort().join());
      expect([...repeated].sort(), `step ${step}`).toEqual([...fresh].sort());
      if (last && [...fresh].sort().join() === [...last].sort().join()) expect(repeated).toBe(last);
      last = repeated;
    }
    // The walk did move the set, many times.
    expect(changes).toBeGreaterThan(50);
  });
});

describe('aliases', () => {
  it('replaces source-language leftovers from the data file', () => {
    expect(applyAliases('Russia and the OTAN met. EE.UU-Russia: ¿ruptura total? EEUU and the ONU.', rules)).toBe(
      'Russia and the NATO met. US-Russia: ¿ruptura total? US and the UN.',
    );
  });
  it('fixes a capitalized conjunction between names only', () => {
    expect(applyAliases('deployment in Cuba Y Venezuela If', rules)).toBe('deployment in Cuba and Venezuela If');
    expect(applyAliases('Plan Y was approved', rules)).toBe('Plan Y was approved');
  });
  it('leaves quoted speech as spoken', () => {
    expect(applyAliases('The OTAN said “la OTAN no cede” today', rules)).toBe('The NATO said “la OTAN no cede” today');
    expect(applyAliases('He said &quot;la OTAN&quot; and OTAN', rules)).toBe('He said &quot;la OTAN&quot; and NATO');
  });
  it('does not touch words that merely contain an alias', () => {
    expect(applyAliases('BOTANY and UEFA', rules)).toBe('BOTANY and UEFA');
  });
  it('maps only text between tags', () => {
    expect(mapHtmlText('<a href="/OTAN">OTAN</a>', (t) => t.replace('OTAN', 'NATO'))).toBe('<a href="/OTAN">NATO</a>');
  });
  it('takes user aliases', () => {
    const custom = compileRules([{ patterns: [] }], [{ terms: { Alemania: 'Germany' } }]);
    expect(applyAliases('Alemania votes', custom)).toBe('Germany votes');
  });
});

describe('structure', () => {
  it('turns a short unpunctuated line between paragraphs into a subheading', () => {
    const blocks = markSubheadings([p('First paragraph.'), p('EE.UU-Russia: ¿ruptura total?'), p('Next paragraph.')]);
    expect(blocks.map((b) => b.kind)).toEqual(['p', 'h2', 'p']);
  });
  it('leaves short sentences and quotes as paragraphs', () => {
    const blocks = markSubheadings([p('First.'), p('He left.'), p('“We will see”'), p('Last.')]);
    expect(blocks.map((b) => b.kind)).toEqual(['p', 'p', 'p', 'p']);
  });
  it('drops a first paragraph that repeats the title', () => {
    expect(dropRepeatedTitle('Big News!', [p('Big news'), p('Body.')])).toEqual([p('Body.')]);
  });
});

describe('normalizeDocument', () => {
  it('cleans a whole document', () => {
    const doc: SourceDocument = {
      path: 'a.txt', format: 'text', key: 'a', title: 'OTAN meets', date: new Date(0), dateSource: 'mtime', meta: {},
      blocks: [p('Share your love'), p('The OTAN met in Vienna.'), p('Short Heading'), p('More text here.'), p('Article Source')],
    };
    const article = normalizeDocument(doc, rules);
    expect(article.title).toBe('NATO meets');
    expect(article.blocks).toEqual([p('The NATO met in Vienna.'), { kind: 'h2', text: 'Short Heading', html: 'Short Heading' }, p('More text here.')]);
  });
});
