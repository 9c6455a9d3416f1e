import { describe, expect, it } from 'vitest';
import { formatPath, movedTo, parseFormat, parseLimit } from '../src/publish/http/query.js';

describe('parseLimit', () => {
  it('accepts 1 to 500 and nothing else', () => {
    expect(parseLimit(null)).toBeUndefined();
    expect(parseLimit('1')).toBe(1);
    expect(parseLimit('500')).toBe(500);
    for (const bad of ['0', '501', '1e2', ' 5', '5 ', '0x10', '', '99999999999']) expect(() => parseLimit(bad), bad).toThrow(/limit must be a whole number from 1 to 500/);
  });
});

describe('parseFormat and formatPath', () => {
  it('maps a feed folder and a format to its file', () => {
    expect(parseFormat(null)).toBeUndefined();
    expect(() => parseFormat('xml')).toThrow(/format must be one of rss, atom, json/);
    expect(() => parseFormat('toString')).toThrow(/format must be one of/);
    expect(formatPath('/', 'rss')).toBe('/rss.xml');
    expect(formatPath('/tags/x/', 'json')).toBe('/tags/x/feed.json');
    expect(formatPath('/tags/x', 'atom')).toBe('/tags/x/atom.xml');
    expect(formatPath('/tags/x/rss.xml', 'json')).toBe('/tags/x/feed.json');
    expect(formatPath('/tags/x/archive/2/feed.json', 'rss')).toBe('/tags/x/archive/2/rss.xml');
  });
});

describe('movedTo', () => {
  const published = new Set(['/', '/rss.xml', '/atom.xml', '/feed.json', '/categories/world/', '/categories/world/rss.xml', '/categories/world/atom.xml']);
  const exists = (path: string) => published.has(path);
  it.each([
    ['/feed', '/rss.xml'],
    ['/feed/', '/rss.xml'],
    ['/rss', '/rss.xml'],
    ['/index.rss', '/rss.xml'],
    ['/index.xml', '/rss.xml'],
    ['/rss.xml/', '/rss.xml'],
    ['/atom', '/atom.xml'],
    ['/feed.xml', '/atom.xml'],
    ['/feed.atom', '/atom.xml'],
    ['/json', '/feed.json'],
    ['/feed/rss2/', '/rss.xml'],
    ['/feed/atom', '/atom.xml'],
    ['/index.html', '/'],
    ['/categories/world', '/categories/world/'],
    ['/categories/world/feed', '/categories/world/rss.xml'],
    ['/categories/world/feed.xml', '/categories/world/atom.xml'],
    ['/categories/world/json', undefined],
    ['/nope', undefined],
    ['/etc/passwd', undefined],
  ])('%s → %s', (from, to) => {
    expect(movedTo(from, exists)).toBe(to);
  });
});
