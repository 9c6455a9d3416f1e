// The entries of a feed in any of the three formats, as one shape, so tests can compare what
// RSS, Atom and JSON Feed say about the same items.
import type { FeedFormat } from '../../src/render/links.js';
import { childrenNamed, firstChild, NS, parseXml, type XElement } from './xml-tree.js';

export interface Entry {
  id: string;
  title: string;
  link: string;
  /** ISO 8601 UTC. */
  published: string;
  /** ISO 8601 UTC; RSS 2.0 has no per-item updated date. */
  updated?: string;
}

const iso = (date: string): string => new Date(date).toISOString();

function root(xml: string): XElement {
  const { root: element, problems } = parseXml(xml);
  if (!element || problems.length > 0) throw new Error(`not a feed: ${problems.join('; ') || 'no root element'}`);
  return element;
}

function text(parent: XElement, ns: string | null, local: string): string {
  return firstChild(parent, ns, local)?.text ?? '';
}

export function feedEntries(format: FeedFormat, body: string): Entry[] {
  if (format === 'json') {
    const feed = JSON.parse(body) as { items: Array<{ id: string; title: string; url: string; date_published: string; date_modified?: string }> };
    return feed.items.map((item) => ({
      id: item.id,
      title: item.title,
      link: item.url,
      published: iso(item.date_published),
      ...(item.date_modified ? { updated: iso(item.date_modified) } : {}),
    }));
  }
  if (format === 'atom') {
    return childrenNamed(root(body), NS.atom, 'entry').map((entry) => ({
      id: text(entry, NS.atom, 'id'),
      title: text(entry, NS.atom, 'title'),
      link: childrenNamed(entry, NS.atom, 'link').find((l) => l.attrs.some((a) => a.local === 'rel' && a.value === 'alternate'))?.attrs.find((a) => a.local === 'href')?.value ?? '',
      published: iso(text(entry, NS.atom, 'published')),
      updated: iso(text(entry, NS.atom, 'updated')),
    }));
  }
  const channel = firstChild(root(body), null, 'channel')!;
  return childrenNamed(channel, null, 'item').map((item) => ({
    id: text(item, null, 'guid'),
    title: text(item, null, 'title'),
    link: text(item, null, 'link'),
    published: iso(text(item, null, 'pubDate')),
  }));
}
