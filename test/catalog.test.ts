import { describe, expect, it } from 'vitest';
import { buildCatalog, compareItems } from '../src/catalog/index.js';
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
