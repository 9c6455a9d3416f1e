import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ARTICLE_PAGES_DIR, loadArticlePages } from '../scripts/eval-extraction.js';
import { extractEntities, MAX_ENTITY_TAGS, mentionsIn } from '../src/enrich/entities.js';
import { loadRules } from '../src/normalize/index.js';

const aliases = loadRules().entityAliases;

describe('extractEntities', () => {
  it('finds people, places and organisations and strips titles', () => {
    const tags = extractEntities(
      'Germany and France sign a pact',
      'Chancellor Olaf Scholz met President Emmanuel Macron in Paris. Scholz said the European Union and NATO back the pact. Macron agreed.',
      aliases,
    );
    const names = tags.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['Germany', 'France', 'Olaf Scholz', 'Emmanuel Macron', 'Paris', 'NATO']));
    expect(tags.find((t) => t.name === 'Olaf Scholz')?.kind).toBe('person');
    expect(names).not.toContain('Scholz');
    expect(names.some((n) => /^(Chancellor|President)\b/.test(n))).toBe(false);
  });
  it('canonicalizes aliases and ranks by salience', () => {
    const tags = extractEntities('US warns Iran', 'The US said Iran must stop. The United States and Iran talked in Oman. Iran said no.', aliases);
    const names = tags.map((t) => t.name);
    expect(names).toContain('United States');
    expect(names).not.toContain('US');
    expect(names.indexOf('Iran')).toBeLessThan(names.indexOf('Oman'));
  });
  it('keeps at most the limit', () => {
    const cities = ['Paris', 'London', 'Berlin', 'Madrid', 'Rome', 'Vienna', 'Prague', 'Warsaw', 'Lisbon', 'Dublin', 'Oslo', 'Helsinki', 'Athens', 'Budapest'];
    const tags = extractEntities('Tour', `The tour visits ${cities.join(', ')}.`, aliases);
    expect(tags.length).toBe(MAX_ENTITY_TAGS);
  });
  it('splits lists and datelines into names and drops credit lines and words glued across a sentence break', () => {
    const tags = extractEntities(
      'Leaders meet',
      'LONDON — Officials from Italy, Poland, Germany and Spain met in London on Monday, said Katie Allen, PhD. She leads the talks. (Thomas Coex/AFP/Getty Images)',
      aliases,
    );
    const names = tags.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['Italy', 'Poland', 'Germany', 'London']));
    expect(names).not.toContain('LONDON');
    expect(names.some((n) => n.includes(',') || n.includes('/') || /^(She|PhD)$/.test(n))).toBe(false);
  });
  it('reads a first name alone as the one person whose full name starts with it', () => {
    const tags = extractEntities('Talks', 'Prime Minister Benjamin Netanyahu spoke on Sunday. Later Benjamin said the talks were over.', aliases);
    const names = tags.map((t) => t.name);
    expect(names).toContain('Benjamin Netanyahu');
    expect(names).not.toContain('Benjamin');
  });
  it('counts whole-word mentions only, also next to letters outside the Basic Multilingual Plane', () => {
    // "Iran" inside "Iranian" and "Iran𝐀" is no mention: Oman (two) outranks Iran (one).
    const tags = extractEntities('Talks', 'Iran sent a delegation to Oman. Iranian officials met Iranian traders and 𝐀Iran𝐀 fans in Oman.', aliases);
    const names = tags.map((t) => t.name);
    expect(names.indexOf('Oman')).toBeGreaterThanOrEqual(0);
    expect(names.indexOf('Oman')).toBeLessThan(names.indexOf('Iran'));
  });
  it('tags a sentence whose only capital starts an acronym or a name, not a function word', () => {
    // Each of these sentences has one capital letter, at its start.
    const text = 'US officials met on monday. Paris stayed calm. However the talks went on. It rained.';
    expect(mentionsIn(text)).toEqual(mentionsIn(text, true));
    const names = extractEntities('talks', text, aliases).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['United States', 'Paris']));
  });
});

describe('mentionsIn', () => {
  const seed = readFileSync(fileURLToPath(new URL('../seeds/000_d11a85e7f0a92099.txt', import.meta.url)), 'utf8');
  it('finds the same names as tagging every sentence, in the seed', () => {
    const all = mentionsIn(seed, true);
    expect(all.length).toBeGreaterThan(5);
    expect(mentionsIn(seed)).toEqual(all);
  });
  it.skipIf(!existsSync(ARTICLE_PAGES_DIR))('finds the same names as tagging every sentence, in the article-pages corpus', { timeout: 60_000 }, () => {
    for (const page of loadArticlePages()) expect(mentionsIn(page.expected.slice(0, 3000)), page.name).toEqual(mentionsIn(page.expected.slice(0, 3000), true));
  });
});

