import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { IngestEnv } from '../ingest/index.js';
import { digestOf } from '../ingest/read.js';
import { candidateLines, checkedLines } from '../normalize/boilerplate.js';
import type { RawDocument, SourceDocument } from '../types.js';
import { codeVersion } from './code-version.js';
import { dropOtherVersions, readStoredMap, writeStoredMap } from './stored-map.js';

/** What the corpus-wide stages need of an ingested document, so an unchanged file is not parsed again. */
export interface DocumentFacts {
  /** The item id (unique per site). */
  key: string;
  /** Its newest date, in ms: the build refuses documents dated in the future, and the clock moves. */
  updated: number;
  /** Its lines that count towards the corpus-level repeated-line pass (candidateLines). */
  candidates: string[];
  /**
   * lineHash of every line the boilerplate check looks at (which repeated
   * lines the document contains), joined: one string rather than a dozen
   * took the facts of 10k documents from 16.1 MB of heap to 12.1 MB.
   */
  checked: string;
}

/**
 * Ingested documents' facts by a hash of everything ingest reads (path,
 * bytes, sidecar, git and file dates, SOURCE_DATE_EPOCH, code version), kept
 * in the build cache folder. A warm build hashes each file and reads these
 * facts instead of parsing it; only documents that must be enriched again
 * are parsed. Deleting the folder only makes the next build parse again.
 */
export class DocumentCache {
  private used = new Map<string, DocumentFacts>();
  private changed = false;
  /** Keys of documents already hashed by this process: a watcher's rebuild hashes only what it read again. */
  private readonly keys = new WeakMap<RawDocument, { epoch: number | undefined; key: string }>();

  private constructor(
    private readonly file: string | undefined,
    private readonly salt: string,
    private stored: ReadonlyMap<string, DocumentFacts>,
  ) {}

  /** The cache under `root` (e.g. ".wirefeed-cache"), or one in memory only. */
  static async open(root?: string): Promise<DocumentCache> {
    // Facts come from ingest and the corpus-level line pass (candidateLines, checkedLines, imported here).
    const salt = codeVersion(['ingest/index.js', 'build/documents.js']).slice(0, 16);
    if (!root) return new DocumentCache(undefined, salt, new Map());
    const file = join(root, 'documents', salt);
    return new DocumentCache(file, salt, await readStoredMap<string, DocumentFacts>(file));
  }

  /** The key of one raw document as this build's environment ingests it. */
  keyOf(raw: RawDocument, env: IngestEnv): string {
    const epoch = env.sourceDateEpoch?.getTime();
    const known = this.keys.get(raw);
    if (known && known.epoch === epoch) return known.key;
    // Named one by one: reading `bytes` could read the file, which the digest spares.
    const { path, gitDate, gitUpdated, dirty, mtime, sidecar } = raw;
    const key = createHash('sha256')
      .update(this.salt)
      // Dates as numbers: formatting three Dates as ISO strings was most of this key's cost, 10k times a build.
      .update(`${path}\0${gitDate?.getTime()}\0${gitUpdated?.getTime()}\0${dirty}\0${mtime.getTime()}\0${sidecar ? JSON.stringify(sidecar) : ''}\0${epoch}\0`)
      .update(raw.digest ?? digestOf(raw.bytes))
      .digest('base64url');
    this.keys.set(raw, { epoch, key });
    return key;
  }

  get(key: string): DocumentFacts | undefined {
    const facts = this.stored.get(key);
    if (facts) this.used.set(key, facts);
    return facts;
  }

  /** Records the facts (factsOf) of a document ingested in this build. */
  set(key: string, facts: DocumentFacts): DocumentFacts {
    this.used.set(key, facts);
    this.changed = true;
    return facts;
  }

  /**
   * Keeps what this build used, atomically; nothing is written when nothing
   * changed. The cache is then ready for the next build of this process,
   * unless `keep` is false: then it lets go of every fact once written.
   */
  async save({ keep = true }: { keep?: boolean } = {}): Promise<void> {
    const { used, changed, stored } = this;
    this.stored = keep ? used : new Map();
    this.used = new Map();
    this.changed = false;
    if (!this.file || (!changed && used.size === stored.size)) return;
    const dir = join(this.file, '..');
    await mkdir(dir, { recursive: true });
    await writeStoredMap(this.file, used);
    await dropOtherVersions(dir, this.salt);
  }
}

export function factsOf(source: SourceDocument): DocumentFacts {
  return { key: source.key, updated: source.updated.getTime(), candidates: candidateLines(source.blocks), checked: checkedLines(source.blocks).map(lineHash).join('') };
}

/** Characters of a lineHash. */
const LINE_HASH_LENGTH = 11;

/** A short hash of a line's fingerprint: enough to key items on the repeated lines they contain, far smaller than the lines. */
export function lineHash(fingerprint: string): string {
  return createHash('sha1').update(fingerprint).digest('base64url').slice(0, LINE_HASH_LENGTH);
}

/** The hashes in a document's `checked` that are in `hashes`. */
export function checkedAmong(facts: DocumentFacts, hashes: ReadonlySet<string>): string[] {
  const found: string[] = [];
  for (let at = 0; at < facts.checked.length; at += LINE_HASH_LENGTH) {
    const hash = facts.checked.slice(at, at + LINE_HASH_LENGTH);
    if (hashes.has(hash)) found.push(hash);
  }
  return found;
}
