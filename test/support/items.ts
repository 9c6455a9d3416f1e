import { buildCatalog, type Catalog, type Site } from '../../src/catalog/index.js';
import { itemId } from '../../src/ingest/identity.js';
import type { Item } from '../../src/types.js';

export const SITE: Site = {
  title: 'Test & <Site>',
  description: 'Feeds "for" tests',
  url: 'http://localhost:3000',
  language: 'en',
  author: { name: 'Wirefeed' },
};

/** A complete item with overridable fields, for renderer tests. */
export function makeItem(key: string, overrides: Partial<Item> = {}): Item {
  const published = overrides.published ?? new Date('2024-01-02T03:04:05Z');
  return {
    id: itemId(key),
    key,
    path: `${key}.txt`,
    title: `Title ${key}`,
    summary: `Summary of ${key}.`,
    contentHtml: `<p>Body of ${key}.</p>`,
    contentText: `Body of ${key}.`,
    section: 'World',
    sectionConfidence: 0.9,
    tags: [{ name: 'Geneva', kind: 'place' }],
    language: 'en',
    published,
    updated: published,
    dateSource: 'declared',
    wordCount: 3,
    readingMinutes: 1,
    ...overrides,
  };
}

/** An item's fields with its body as plain data: an item of the build cache reads its body on first use, from accessors a spread or toEqual does not see. */
export function withBody(item: Item): Item {
  return { ...item, contentHtml: item.contentHtml, contentText: item.contentText };
}

export function catalogOf(items: Item[], limit = 50): Catalog {
  return buildCatalog(SITE, items, { limit });
}
