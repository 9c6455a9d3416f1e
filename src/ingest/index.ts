import type { DateSource, DeclaredMeta, RawDocument, SourceDocument } from '../types.js';
import { decodeText } from './decode.js';
import { detectFormat } from './detect.js';
import { keyFromPath, normalizeKey } from './identity.js';
import { parseMarkdown } from './markdown.js';
import { parseDeclaredMeta } from './meta.js';
import { parseText } from './text.js';

/** What ingest needs from the world, passed in so the stage stays pure. */
export interface IngestEnv {
  /** From `SOURCE_DATE_EPOCH`: a reproducible-builds date for every undated document. */
  sourceDateEpoch?: Date;
}

export class DocumentError extends Error {}

/**
 * Parses one raw file into a document. Throws DocumentError with the reason
 * when the file can't become an item; the caller names the file.
 */
export function ingestDocument(raw: RawDocument, env: IngestEnv = {}): SourceDocument {
  const source = decodeText(raw.bytes);
  const format = detectFormat(raw.path, source.slice(0, 256));
  const sidecar = parseDeclaredMeta(raw.sidecar, 'sidecar metadata');
  let title: string;
  let blocks: SourceDocument['blocks'];
  let declared: DeclaredMeta;
  if (format === 'markdown') {
    const md = parseMarkdown(source);
    declared = { ...sidecar, ...parseDeclaredMeta(md.frontMatter, 'front matter') };
    title = declared.title ?? md.heading ?? '';
    blocks = md.blocks;
  } else if (format === 'text') {
    const text = parseText(source);
    declared = sidecar;
    title = declared.title ?? text.title;
    blocks = text.blocks;
  } else {
    throw new DocumentError('HTML pages are not supported yet');
  }
  if (!title) throw new DocumentError('no title: the first line of the document is empty');
  if (blocks.length === 0 && !declared.summary) throw new DocumentError('no body text after the title');
  const { date, dateSource } = pickDate(declared, raw, env);
  return {
    path: raw.path,
    format,
    key: declared.id ? normalizeKey(declared.id) : keyFromPath(raw.path),
    title,
    blocks,
    meta: declared,
    date,
    dateSource,
    ...(declared.url ? { baseUrl: declared.url } : {}),
  };
}

/** The date order documented in the README: declared, SOURCE_DATE_EPOCH, first git commit, mtime. */
function pickDate(meta: DeclaredMeta, raw: RawDocument, env: IngestEnv): { date: Date; dateSource: DateSource } {
  if (meta.date) return { date: wholeSeconds(meta.date), dateSource: 'declared' };
  if (env.sourceDateEpoch) return { date: wholeSeconds(env.sourceDateEpoch), dateSource: 'SOURCE_DATE_EPOCH' };
  if (raw.gitDate) return { date: wholeSeconds(raw.gitDate), dateSource: 'git' };
  return { date: wholeSeconds(raw.mtime), dateSource: 'mtime' };
}

/** Feed dates have whole seconds; dropping the rest here keeps equal-looking dates equal everywhere. */
function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
