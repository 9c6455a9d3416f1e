/**
 * The data that flows through the pipeline. Each stage is a pure function
 * from one of these shapes to the next; reading files, clocks and the
 * environment happens only at the edges (ingest's reader, publish, cli).
 */

/** A file as read from `seeds/`, before anything is parsed. */
export interface RawDocument {
  /** Path relative to the seeds folder, with `/` separators. */
  path: string;
  /** The file's bytes; a one-shot build's reading reads them from disk on each use, so take them once. */
  bytes: Uint8Array;
  /** A hash of `bytes` (ingest's digestOf), when the reader took it: the build cache keys on it, so bytes may stay unread. */
  digest?: string;
  /** When the file was first committed to git, if it was. */
  gitDate?: Date;
  /** When it was last committed. */
  gitUpdated?: Date;
  /** The working copy has edits git has not committed. */
  dirty?: boolean;
  mtime: Date;
  /** Parsed sidecar metadata (`<name>.meta.json` / `.meta.yaml`), if present. */
  sidecar?: Record<string, unknown>;
}

export type SourceFormat = 'text' | 'markdown' | 'html';

/** One block of article body. `html` is sanitized inline HTML; `text` is its plain text. */
export type Block =
  | { kind: 'p'; text: string; html: string }
  | { kind: 'h2'; text: string; html: string }
  | { kind: 'quote'; text: string; html: string }
  | { kind: 'list'; ordered: boolean; items: { text: string; html: string }[] }
  | { kind: 'pre'; text: string }
  /** Sanitized markup kept whole (tables, extracted HTML sections). */
  | { kind: 'html'; text: string; html: string };

/** Metadata given explicitly by the author (front matter, sidecar, HTML meta). It wins over inference. */
export interface DeclaredMeta {
  id?: string;
  title?: string;
  date?: Date;
  updated?: Date;
  summary?: string;
  section?: string;
  tags?: string[];
  author?: string;
  language?: string;
  image?: string;
  url?: string;
}

/** Where an item's published date came from, in the order they are tried. */
export type DateSource = 'declared' | 'SOURCE_DATE_EPOCH' | 'git' | 'mtime';

/** The output of ingest: a parsed document, not yet cleaned. */
export interface SourceDocument {
  path: string;
  format: SourceFormat;
  /** Stable identity key (from the file name or declared id). */
  key: string;
  title: string;
  blocks: Block[];
  meta: DeclaredMeta;
  date: Date;
  dateSource: DateSource;
  /** Last edit: declared `updated`, else the last commit (or mtime of an uncommitted edit), never before `date`. */
  updated: Date;
  /** Base URL for resolving relative links in the content, if the source has one. */
  baseUrl?: string;
}

/** The output of normalize: clean title and body. */
export interface Article extends SourceDocument {}

export interface EntityTag {
  name: string;
  kind: 'person' | 'place' | 'organization' | 'topic';
}

/** The output of enrich: everything a feed or page needs about one document. */
export interface Item {
  /** Globally unique, never-changing id used as RSS guid, Atom id and JSON Feed id. */
  id: string;
  key: string;
  path: string;
  title: string;
  summary: string;
  contentHtml: string;
  contentText: string;
  section: string;
  sectionConfidence: number;
  tags: EntityTag[];
  author?: string;
  language: string;
  published: Date;
  updated: Date;
  dateSource: DateSource;
  wordCount: number;
  readingMinutes: number;
  image?: string;
}

/** A document that could not be published, and why. */
export interface DocumentFailure {
  path: string;
  reason: string;
}
