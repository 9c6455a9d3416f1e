import { describe, expect, it } from 'vitest';
import { buildCatalog, CatalogMemo, compareItems } from '../src/catalog/index.js';
import { makeItem, SITE } from './support/items.js';

const day = (d: number): Date => new Date(Date.UTC(2024, 0, d));
const BODY = Symbol('body');

describe('buildCatalog', () => {
  const items = [
    makeItem('a', { published: day(1), section: 'World', tags: [{ name: 'Padrino López', kind: 'person' }] }),
    makeItem('b', { published: day(3), section: 'Sport', tags: [{ name: 'Padrino Lopez', kind: 'person' }] }),
    makeItem('c', { published: day(2), updated: day(9), section: 'World', tags: [] }),
  ];
  it('orders newest first whatever the input order, ties broken by id', () => {
    const forward = buildCatalog(SITE, items, { limit: 0 }).items.map((i) => i.key);
    const backward = buildCatalog(SITE, [...items].reverse(), { limit: 0 }).items.map((i) => i.key);
    expect(forward).toEqual(['b', 'c', 'a']);
    expect(backward).toEqual(forward);
    const tie = [makeItem('x', { published: day(1) }), makeItem('y', { published: day(1) })];
    expect([...tie].sort(compareItems)).toEqual([...tie].reverse().sort(compareItems));
  });
  it('limits the main feed, 0 meaning all', () => {
    expect(buildCatalog(SITE, items, { limit: 2 }).main.items.map((i) => i.key)).toEqual(['b', 'c']);
    expect(buildCatalog(SITE, items, { limit: 0 }).main.items).toHaveLength(3);
  });
  it('dates the feed by the newest updated item', () => {
    expect(buildCatalog(SITE, items, { limit: 2 }).main.updated).toEqual(day(9));
  });
  it('groups by section and tag with distinct ASCII slugs', () => {
    const catalog = buildCatalog(SITE, items, { limit: 0 });
    expect(catalog.sections.map((s) => [s.name, s.slug, s.items.length])).toEqual([
      ['Sport', 'sport', 1],
      ['World', 'world', 2],
    ]);
    expect(catalog.tags.map((t) => [t.name, t.slug])).toEqual([
      ['Padrino Lopez', 'padrino-lopez'],
      ['Padrino López', 'padrino-lopez-2'],
    ]);
  });
  it('spaces inferred dates shared by several items a second apart, in path order, without reading lazy bodies', () => {
    let reads = 0;
    // Like an item of the build cache: the body is an accessor on the prototype, read from disk on first use.
    class LazyItem {
      get contentHtml(): string {
        reads++;
        return '<p>Lazy.</p>';
      }
    }
    const lazy = (key: string): ReturnType<typeof makeItem> => {
      const { contentHtml: _html, ...fields } = makeItem(key, { published: day(5), dateSource: 'mtime' });
      // Like the cache's items too: where the body is, a non-enumerable symbol property.
      return Object.defineProperty(Object.assign(new LazyItem(), fields), BODY, { value: key }) as ReturnType<typeof makeItem>;
    };
    const catalog = buildCatalog(SITE, [lazy('b'), lazy('a'), makeItem('c', { published: day(5) })], { limit: 0 });
    const second = (n: number): Date => new Date(day(5).getTime() - n * 1000);
    expect(Object.fromEntries(catalog.items.map((i) => [i.key, i.published]))).toEqual({ a: day(5), b: second(1), c: day(5) });
    expect(reads).toBe(0);
    const moved = catalog.items.find((i) => i.key === 'b')!;
    expect(moved.updated).toEqual(second(1));
    expect(moved.contentHtml).toBe('<p>Lazy.</p>');
    expect(reads).toBe(1);
    expect(moved).toBeInstanceOf(LazyItem);
    expect((moved as unknown as Record<symbol, string>)[BODY]).toBe('b');
    expect(Object.keys(moved)).not.toContain(BODY);
  });
  it('spaces many items sharing one inferred date down one second each, around the dates already taken', () => {
    const shared = day(5).getTime();
    const second = (n: number): Date => new Date(shared - n * 1000);
    const key = (n: number): string => `k${String(n).padStart(5, '0')}`;
    const items = Array.from({ length: 20_000 }, (_, n) => makeItem(key(n), { published: day(5), dateSource: 'mtime' }));
    // Declared dates keep their place and are stepped over; an item of another date keeps its own when it is free.
    items.push(makeItem('declared', { path: 'a0-declared', published: second(2) }));
    items.push(makeItem('free', { path: 'zz-free', published: second(30_000), dateSource: 'mtime' }));
    items.push(makeItem('stepped', { path: 'zz-stepped', published: second(10), dateSource: 'mtime' }));
    const dates = new Map(buildCatalog(SITE, items, { limit: 0 }).items.map((i) => [i.key, i.published.getTime()]));
    expect(dates.get('declared')).toBe(second(2).getTime());
    expect(dates.get(key(0))).toBe(shared);
    expect(dates.get(key(1))).toBe(second(1).getTime());
    expect(dates.get(key(2))).toBe(second(3).getTime());
    expect(dates.get(key(19_999))).toBe(second(20_000).getTime());
    expect(dates.get('free')).toBe(second(30_000).getTime());
    expect(dates.get('stepped')).toBe(second(20_001).getTime());
    expect(new Set(dates.values()).size).toBe(dates.size);
  });
});

describe('CatalogMemo', () => {
  const items = Array.from({ length: 6 }, (_, n) =>
    makeItem(`k${n}`, { published: day(n + 1), section: n % 2 ? 'World' : 'Sport', tags: n < 3 ? [{ name: 'Geneva', kind: 'place' }] : [] }),
  );
  const edited = items.map((item) => (item.key === 'k1' ? { ...item, summary: 'A corrected summary.' } : item));
  const named = (groups: { name: string }[], name: string) => groups.find((group) => group.name === name);

  it('keeps the groups whose items are the same objects in the same order, and builds what a build without it builds', () => {
    const memo = new CatalogMemo();
    const first = buildCatalog(SITE, items, { limit: 2, memo });
    const second = buildCatalog(SITE, edited, { limit: 2, memo });
    expect(second).toEqual(buildCatalog(SITE, edited, { limit: 2 }));
    // k1 is in World and Geneva, and in the home group: those are made again, Sport is kept, feeds and all.
    expect(named(second.sections, 'Sport')).toBe(named(first.sections, 'Sport'));
    expect(named(second.sections, 'World')).not.toBe(named(first.sections, 'World'));
    expect(named(second.tags, 'Geneva')).not.toBe(named(first.tags, 'Geneva'));
    expect(second.home).not.toBe(first.home);
    const third = buildCatalog(SITE, edited, { limit: 2, memo });
    expect(third.home).toBe(second.home);
    expect(third.main).toBe(second.main);
  });

  it('keeps no group made with another feed size, site title or description', () => {
    for (const [site, limit] of [
      [SITE, 3],
      [{ ...SITE, title: 'Renamed' }, 2],
      [{ ...SITE, description: 'Redescribed' }, 2],
    ] as const) {
      const memo = new CatalogMemo();
      const first = buildCatalog(SITE, items, { limit: 2, memo });
      const second = buildCatalog(site, items, { limit, memo });
      expect(second).toEqual(buildCatalog(site, items, { limit }));
      expect(named(second.sections, 'Sport')).not.toBe(named(first.sections, 'Sport'));
    }
  });

  it('keeps the copy of an item whose shared date moves as it did, and makes one when it moves elsewhere', () => {
    const shared = [makeItem('a', { published: day(5), dateSource: 'mtime' }), makeItem('b', { published: day(5), dateSource: 'mtime' })];
    const memo = new CatalogMemo();
    const moved = (catalog: ReturnType<typeof buildCatalog>) => catalog.items.find((item) => item.key === 'b')!;
    const first = moved(buildCatalog(SITE, shared, { limit: 0, memo }));
    expect(first).not.toBe(shared[1]);
    expect(moved(buildCatalog(SITE, shared, { limit: 0, memo }))).toBe(first);
    // A declared date (read first, in path order) takes b's second: b moves one more second down.
    const taken = [...shared, makeItem('declared', { path: '0-declared', published: new Date(day(5).getTime() - 1000) })];
    const again = moved(buildCatalog(SITE, taken, { limit: 0, memo }));
    expect(again.published).toEqual(new Date(day(5).getTime() - 2000));
    expect(again).toEqual(moved(buildCatalog(SITE, taken, { limit: 0 })));
  });
});
