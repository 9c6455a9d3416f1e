import { describe, expect, it } from 'vitest';
import { enrichArticle } from '../src/enrich/index.js';
import type { Article } from '../src/types.js';

const article: Article = {
  path: 'a.txt', format: 'text', key: 'a', title: 'Russia warns NATO over Ukraine', meta: {},
  date: new Date('2024-01-01T00:00:00Z'), updated: new Date('2024-01-01T00:00:00Z'), dateSource: 'declared',
  blocks: [{ kind: 'p', text: 'Russia warned NATO on Monday that troops near Ukraine would stay, the Kremlin said in Moscow.', html: 'Russia warned NATO on Monday that troops near Ukraine would stay, the Kremlin said in Moscow.' }],
};

describe('enrichArticle', () => {
  it('keeps the classifier’s confident guess and uses the fallback below minConfidence', () => {
    const guess = enrichArticle(article, { siteUrl: 'http://localhost:3000', fallbackSection: 'Business' });
    expect(guess.section).toBe('World');
    expect(guess.sectionConfidence).toBeLessThan(1);
    const strict = enrichArticle(article, { siteUrl: 'http://localhost:3000', fallbackSection: 'Business', minConfidence: 1 });
    expect(strict.section).toBe('Business');
  });
  it('lets a declared section win over the classifier', () => {
    const declared = enrichArticle({ ...article, meta: { section: 'Sport' } }, { siteUrl: 'http://localhost:3000' });
    expect([declared.section, declared.sectionConfidence]).toEqual(['Sport', 1]);
  });
});
