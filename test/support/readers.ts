// Real feed readers, run the way a subscriber's software would run them, so tests can prove a
// published feed is not only valid but read as intended. Each throws only when its tool is
// missing; a feed the reader cannot parse comes back as data (bozo, error, errors).

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOOLS, missingTool, requireFile, runTool, withTempDir, type Tool, type ToolResult } from './run-tool.js';

const SUPPORT_DIR = fileURLToPath(new URL('.', import.meta.url));
// Build products live with other tool caches in node_modules, which git ignores.
const CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/wirefeed-validate/', import.meta.url));

/** Fails with the tool's own words when it exits non-zero for a reason other than the feed. */
function expectSuccess(result: ToolResult, tool: Tool, what: string): ToolResult {
  if (result.code !== 0) throw new Error(`${tool.command} failed to ${what} (exit ${result.code}): ${result.stderr.trim()}`);
  return result;
}

// ---- feedparser (Universal Feed Parser; RSS and Atom: Debian's 6.0.10 predates JSON Feed) ----

export interface FeedparserResult {
  /** 1 when feedparser had to recover from a problem (not well-formed XML, bad encoding...). */
  bozo: number;
  bozoException?: string;
  /** feedparser's name for the format: rss20, atom10... */
  version: string;
  feed: { title: string | null; link: string | null; id: string | null; updated: string | null };
  entries: Array<{
    id: string | null;
    title: string | null;
    link: string | null;
    /** RFC 3339 UTC, as feedparser parsed it, or null. */
    published: string | null;
    updated: string | null;
    summary: string | null;
    tags: string[];
  }>;
}

export async function feedparserRead(path: string): Promise<FeedparserResult> {
  // feedparser.parse() takes a missing path for the document itself; never let it guess.
  if (!existsSync(path)) throw new Error(`feedparserRead: no such file ${path}`);
  const result = await runTool(TOOLS.feedparser, [join(SUPPORT_DIR, 'feedparser_read.py'), path]);
  if (result.code === 3) throw missingTool(TOOLS.feedparser, 'the feedparser module of /usr/bin/python3');
  return JSON.parse(expectSuccess(result, TOOLS.feedparser, `read ${path}`).stdout) as FeedparserResult;
}

// ---- sfeed (RSS and Atom on stdin, one TSV line per item) ----

export interface SfeedItem {
  /** UNIX time, or null when sfeed found no date it could parse. */
  timestamp: number | null;
  title: string;
  link: string;
  content: string;
  contentType: string;
  id: string;
  author: string;
  enclosure: string;
  categories: string[];
}

// sfeed(1) escapes TAB, newline and backslash in the content field as \t, \n and \\.
function unescapeSfeed(field: string): string {
  return field.replace(/\\([tn\\])/g, (_, character: string) => (character === 't' ? '\t' : character === 'n' ? '\n' : '\\'));
}

function parseSfeedLine(line: string): SfeedItem {
  const [timestamp = '', title = '', link = '', content = '', contentType = '', id = '', author = '', enclosure = '', category = ''] =
    line.split('\t');
  return {
    timestamp: timestamp ? Number(timestamp) : null,
    title,
    link,
    content: unescapeSfeed(content),
    contentType,
    id,
    author,
    enclosure,
    categories: category ? category.split('|') : [],
  };
}

export async function sfeedRead(xml: string): Promise<SfeedItem[]> {
  const result = expectSuccess(await runTool(TOOLS.sfeed, [], { input: xml }), TOOLS.sfeed, 'read the feed');
  return result.stdout.split('\n').filter(Boolean).map(parseSfeedLine);
}

// ---- gofeed (the Go feed parser: RSS, Atom and JSON Feed) ----

export interface GofeedResult {
  /** gofeed's parse error, when it could not read the feed. */
  error?: string;
  feedType?: string;
  feedVersion?: string;
  title?: string;
  link?: string;
  feedLink?: string;
  items: Array<{ title: string; link: string; guid: string; published?: string; updated?: string; categories: string[] }>;
}

// Debian packages gofeed's sources for GOPATH builds; no module proxy is reachable here.
const GOPATH = '/usr/share/gocode';
const GOFEED_SOURCES: Tool = {
  command: join(GOPATH, 'src/github.com/mmcdole/gofeed'),
  debianPackage: 'golang-github-mmcdole-gofeed-dev',
};
const GOFEED_PROGRAM = join(SUPPORT_DIR, 'gofeed_read');
let gofeedBinary: Promise<string> | undefined;

/** Compiles gofeed_read once per version of its source, into the cache directory. */
function buildGofeedReader(): Promise<string> {
  gofeedBinary ??= (async () => {
    requireFile(GOFEED_SOURCES);
    const source = readFileSync(join(GOFEED_PROGRAM, 'main.go'));
    const binary = join(CACHE_DIR, `gofeed_read-${createHash('sha256').update(source).digest('hex').slice(0, 16)}`);
    if (existsSync(binary)) return binary;
    await mkdir(CACHE_DIR, { recursive: true });
    // Build beside the target and rename, so parallel test workers never run half a binary.
    const partial = `${binary}.${process.pid}.partial`;
    const env = { ...process.env, GO111MODULE: 'off', GOPATH, GOFLAGS: '', GOPROXY: 'off', GOCACHE: join(CACHE_DIR, 'go-build') };
    expectSuccess(await runTool(TOOLS.go, ['build', '-o', partial, '.'], { cwd: GOFEED_PROGRAM, env }), TOOLS.go, 'build gofeed_read');
    await rename(partial, binary);
    return binary;
  })();
  return gofeedBinary;
}

/** Reads a feed with gofeed. `pathOrText` is the feed itself when it starts with < or {, else a file path. */
export async function gofeedRead(pathOrText: string): Promise<GofeedResult> {
  const input = /^\s*[<{]/.test(pathOrText) ? pathOrText : readFileSync(pathOrText, 'utf8');
  const binary = await buildGofeedReader();
  const tool = { command: binary, debianPackage: 'golang-go' };
  return JSON.parse(expectSuccess(await runTool(tool, [], { input }), tool, 'run').stdout) as GofeedResult;
}

// ---- newsboat (a terminal feed reader; RSS and Atom: 2.21 has no JSON Feed support) ----

export interface NewsboatResult {
  /** The feed's title as newsboat stored it, or null when it stored no feed. */
  title: string | null;
  items: Array<{ guid: string; title: string; url: string; author: string; published: string }>;
  /** Errors newsboat logged while fetching and parsing, e.g. "XML root node is NULL". */
  errors: string[];
}

interface NewsboatCache {
  feeds: Array<{ rssurl: string; title: string; url: string }>;
  items: Array<{ guid: string; title: string; url: string; author: string; pubDate: number }>;
}

/**
 * Subscribes a throw-away newsboat to `url` (an http URL on 127.0.0.1), reloads once without a
 * terminal (-x reload), and reads back what it stored in its SQLite cache. Each call gets its
 * own HOME, config and cache: newsboat keys items by guid across all feeds in a cache.
 */
export function newsboatRead(url: string): Promise<NewsboatResult> {
  return withTempDir(async (dir) => {
    const urls = join(dir, 'urls');
    const config = join(dir, 'config');
    const cache = join(dir, 'cache.db');
    const log = join(dir, 'newsboat.log');
    await writeFile(urls, `${url}\n`);
    await writeFile(config, 'download-retries 1\ndownload-timeout 20\n');
    const env = { ...process.env, HOME: dir, XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir };
    // Log level 4 keeps user errors, errors and warnings.
    const args = ['-x', 'reload', '-u', urls, '-C', config, '-c', cache, '-l', '4', '-d', log];
    expectSuccess(await runTool(TOOLS.newsboat, args, { env }), TOOLS.newsboat, `reload ${url}`);
    const stored = await readNewsboatCache(cache);
    return {
      title: stored.feeds[0]?.title ?? null,
      items: stored.items.map(({ pubDate, ...item }) => ({ ...item, published: new Date(pubDate * 1000).toISOString() })),
      errors: existsSync(log) ? newsboatErrors(readFileSync(log, 'utf8')) : [],
    };
  });
}

async function readNewsboatCache(cache: string): Promise<NewsboatCache> {
  if (!existsSync(cache)) return { feeds: [], items: [] };
  const result = await runTool(TOOLS.sqlite, [join(SUPPORT_DIR, 'newsboat_cache_read.py'), cache]);
  return JSON.parse(expectSuccess(result, TOOLS.sqlite, `read ${cache}`).stdout) as NewsboatCache;
}

function newsboatErrors(log: string): string[] {
  return log
    .split('\n')
    .filter((line) => /\] (?:USERERROR|CRITICAL|ERROR): /.test(line))
    .map((line) => line.replace(/^\[[^\]]*\] /, ''));
}
