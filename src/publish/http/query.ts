import { FEED_FILES, type FeedFormat } from '../../render/links.js';
import { HttpProblem } from './errors.js';

export const MAX_LIMIT = 500;

/** RSSHub-style `?limit=N`: the newest N items of a feed. Absent → undefined; invalid → 400. */
export function parseLimit(raw: string | null): number | undefined {
  if (raw === null) return undefined;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_LIMIT) {
    throw new HttpProblem(400, `limit must be a whole number from 1 to ${MAX_LIMIT}, got "${raw.slice(0, 40)}"`);
  }
  return Number(raw);
}

/** `?format=rss|atom|json`. Absent → undefined; anything else → 400. */
export function parseFormat(raw: string | null): FeedFormat | undefined {
  if (raw === null) return undefined;
  if (!Object.hasOwn(FEED_FILES, raw)) throw new HttpProblem(400, `format must be one of ${Object.keys(FEED_FILES).join(', ')}, got "${raw.slice(0, 40)}"`);
  return raw as FeedFormat;
}

const FEED_FILE = new RegExp(`/(?:${Object.values(FEED_FILES).map((file) => file.replace('.', '\\.')).join('|')})$`);

/**
 * The path of a feed folder's file in `format`: "/categories/world/" or
 * "/categories/world" or "/categories/world/rss.xml" with json →
 * "/categories/world/feed.json". Works for any folder, so every feed in the
 * site map gets `?format=` without a route of its own.
 */
export function formatPath(path: string, format: FeedFormat): string {
  const folder = FEED_FILE.test(path) ? path.replace(FEED_FILE, '/') : path.endsWith('/') ? path : `${path}/`;
  return folder + FEED_FILES[format];
}

/**
 * Feed URLs other publishers use, relative to any feed folder: a reader
 * subscribed to WordPress's /feed, Hugo's /index.xml or jekyll-feed's
 * /feed.xml finds the feed here after a move to Wirefeed.
 */
const MOVED: Record<string, FeedFormat> = {
  feed: 'rss',
  rss: 'rss',
  'rss2': 'rss',
  'index.rss': 'rss',
  'index.xml': 'rss',
  'rss.xml/': 'rss',
  atom: 'atom',
  'atom.xml/': 'atom',
  'feed.atom': 'atom',
  'feed.xml': 'atom',
  json: 'json',
  'feed.json/': 'json',
};

/**
 * Where a path that is not in the site map has moved, if anywhere: a known
 * old feed name, "feed/<kind>" (WordPress), "index.html", or the same path
 * with or without its trailing slash. `exists` tells which paths are published.
 */
export function movedTo(path: string, exists: (path: string) => boolean): string | undefined {
  const candidates: string[] = [];
  const slash = path.lastIndexOf('/', path.endsWith('/') ? path.length - 2 : path.length - 1);
  const folder = path.slice(0, slash + 1);
  const name = path.slice(slash + 1);
  const kind = MOVED[name] ?? MOVED[name.replace(/\/$/, '')];
  if (kind) candidates.push(folder + FEED_FILES[kind]);
  const wordpress = /^(.*\/)feed\/(rss2?|atom|json)\/?$/.exec(path);
  if (wordpress) candidates.push(wordpress[1]! + FEED_FILES[MOVED[wordpress[2]!]!]);
  if (name === 'index.html') candidates.push(folder);
  candidates.push(path.endsWith('/') ? path.slice(0, -1) : `${path}/`);
  return candidates.find((candidate) => candidate !== path && candidate !== '' && exists(candidate));
}
