import type { Block, DateSource, DeclaredMeta, RawDocument, SourceDocument } from '../types.js';
import { decodeText } from './decode.js';
import { detectFormat } from './detect.js';
import { decodeHtml, extractHtml, type ExtractedPage } from './html.js';
import { htmlToBlocks } from './html-blocks.js';
import { keyFromPath, normalizeKey } from './identity.js';
import { parseMarkdown } from './markdown.js';
import { parseDeclaredMeta, presentFields } from './meta.js';
import { parseText } from './text.js';

/** What ingest needs from the world, passed in so the stage stays pure. */
export interface IngestEnv {
  /** From `SOURCE_DATE_EPOCH`: a reproducible-builds date for every undated document. */
  sourceDateEpoch?: Date;
  /** The build's clock: a document declared to be from later than this is not published yet. */
  now?: Date;
}

/**
 * How far ahead of the build's clock a declared date may be (clocks of authors
 * and builders drift). Further ahead, readers would pin the item to the top for
 * years and validators call the date implausible (the W3C validator allows ten minutes).
 */
export const FUTURE_SLACK_MS = 10 * 60 * 1000;

export class DocumentError extends Error {}

/** A document dated (a Date, or ms) later than the build's clock allows: it is refused until that date. */
export function notYetPublished(updated: Date | number, env: IngestEnv): boolean {
  return env.now !== undefined && (typeof updated === 'number' ? updated : updated.getTime()) > env.now.getTime() + FUTURE_SLACK_MS;
}

/**
 * Parses one raw file into a document. Throws DocumentError with the reason
 * when the file can't become an item; the caller names the file.
 */
export function ingestDocument(raw: RawDocument, env: IngestEnv = {}): SourceDocument {
  // Taken once: a document may read its bytes from disk on each use (see readSeeds).
  const bytes = raw.bytes;
  // Detection needs only the first characters; decoding strictly is each format's job (HTML declares its charset).
  const format = detectFormat(raw.path, new TextDecoder('utf-8').decode(bytes.subarray(0, 256)));
  const sidecar = parseDeclaredMeta(raw.sidecar, 'sidecar metadata');
  let title: string;
  let blocks: SourceDocument['blocks'];
  let declared: DeclaredMeta;
  if (format === 'markdown') {
    const md = parseMarkdown(decodeText(bytes));
    declared = { ...sidecar, ...parseDeclaredMeta(md.frontMatter, 'front matter') };
    title = declared.title ?? md.heading ?? '';
    blocks = md.blocks;
  } else if (format === 'text') {
    const text = parseText(decodeText(bytes));
    declared = sidecar;
    title = declared.title ?? text.title;
    blocks = text.blocks;
  } else {
    const page = extractPage(bytes, sidecar.url);
    declared = { ...pageMeta(page), ...sidecar };
    blocks = htmlToBlocks(page.html);
    title = declared.title ?? (page.title || untitledPageTitle(blocks));
  }
  if (!title) throw new DocumentError('no title: the first line of the document is empty');
  if (blocks.length === 0 && !declared.summary) throw new DocumentError('no body text after the title');
  const { date, dateSource, updated } = pickDate(declared, raw, env);
  if (notYetPublished(updated, env)) {
    throw new DocumentError(`dated ${updated.toISOString()}, in the future; it is published once that date has come`);
  }
  return {
    path: raw.path,
    format,
    key: declared.id ? normalizeKey(declared.id) : keyFromPath(raw.path),
    title,
    blocks,
    meta: declared,
    date,
    dateSource,
    updated,
    ...(declared.url ? { baseUrl: declared.url } : {}),
  };
}

// A headline is short; a page without one is named by its first heading or the start of its text.
const FALLBACK_TITLE_WORDS = 12;

/** A title for a page that declares none, so every page with an article still yields an item. */
function untitledPageTitle(blocks: readonly Block[]): string {
  const first = blocks.find((b) => b.kind === 'h2') ?? blocks.find((b) => b.kind === 'p');
  if (!first || !('text' in first)) return '';
  const words = first.text.split(/\s+/);
  return words.length <= FALLBACK_TITLE_WORDS ? first.text : `${words.slice(0, FALLBACK_TITLE_WORDS).join(' ')} …`;
}

function extractPage(bytes: Uint8Array, url: string | undefined): ExtractedPage {
  try {
    return extractHtml(decodeHtml(bytes), url ? { url } : {});
  } catch (error) {
    throw new DocumentError(`HTML page: ${(error as Error).message}`);
  }
}

/** What the page itself says about the article; a sidecar still wins over it. */
function pageMeta(page: ExtractedPage): DeclaredMeta {
  return presentFields(page, ['title', 'author', 'date', 'updated', 'language', 'image', 'url']);
}

/** The date order documented in the README: declared, SOURCE_DATE_EPOCH, first git commit, mtime. */
function pickDate(meta: DeclaredMeta, raw: RawDocument, env: IngestEnv): { date: Date; dateSource: DateSource; updated: Date } {
  const published = ((): { date: Date; dateSource: DateSource } => {
    if (meta.date) return { date: meta.date, dateSource: 'declared' };
    if (env.sourceDateEpoch) return { date: env.sourceDateEpoch, dateSource: 'SOURCE_DATE_EPOCH' };
    if (raw.gitDate) return { date: raw.gitDate, dateSource: 'git' };
    return { date: raw.mtime, dateSource: 'mtime' };
  })();
  const date = wholeSeconds(published.date);
  // An edit is dated by the author, else by git: a later commit than the one that added the file, or the
  // file's mtime while an edit is uncommitted. A reproducible build (SOURCE_DATE_EPOCH) takes no dates
  // from the environment at all.
  const committedEdit = raw.gitUpdated && raw.gitDate && raw.gitUpdated > raw.gitDate ? raw.gitUpdated : undefined;
  const edited = meta.updated ?? (env.sourceDateEpoch ? undefined : raw.dirty ? raw.mtime : committedEdit);
  const updated = edited && wholeSeconds(edited) > date ? wholeSeconds(edited) : date;
  return { date, dateSource: published.dateSource, updated };
}

/** Feed dates have whole seconds; dropping the rest here keeps equal-looking dates equal everywhere. */
function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
