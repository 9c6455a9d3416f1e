import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { copyFile, link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { compressBody, COMPRESSION_SETTINGS, type Compress } from '../publish/compression.js';
import { ENCODINGS, type StoredBody, type StoredSite } from '../publish/site.js';
import { codeVersion } from './code-version.js';
import { dropOtherVersions, readStoredMap, writeStoredMap } from './stored-map.js';

/**
 * Rendered files kept in the build cache folder between builds, so an
 * unchanged file costs neither rendering nor compression nor writing:
 *
 * - bodies by strong ETag (the body's hash), each with its gzip and brotli
 *   encodings; the export hard-links `<file>`, `<file>.gz` and `<file>.br`
 *   to them. Entries are read-only, so an editor cannot change one through
 *   a link in place (editors that save by rename break the link instead);
 * - which ETag each set of render inputs gave (see planSite), so a planned
 *   file whose inputs are unchanged is placed without being rendered.
 *
 * Deleting the folder is always safe: exported files keep their own links,
 * and the next build renders and compresses again.
 */
export class BodyStore {
  private readonly used = new Set<string>();
  /** Entries being stored: one body shared by several files is compressed once. */
  private readonly storing = new Map<string, Promise<void>>();
  private readonly rendered = new Map<string, string>();

  private constructor(
    /** The stored entries' version: compression settings and rendering code. */
    readonly version: string,
    private readonly dir: string,
    private readonly present: Set<string>,
    /** Every file of the store's folder when it was opened: what `finish` cleans up. */
    private readonly listed: readonly string[],
    private readonly renderedBefore: ReadonlyMap<string, string>,
    private readonly renderedFile: string,
    private readonly compress: Compress,
  ) {}

  /**
   * Opens (or starts) the store for this compression setting and rendering
   * code under `root`, e.g. ".wirefeed-cache". `compress` makes the encodings
   * of a new body: by default compressBody on the calling thread.
   */
  static async open(root: string, compress: Compress = async (body) => compressBody(body)): Promise<BodyStore> {
    const { salt, dir } = storeFolder(root);
    await mkdir(dir, { recursive: true });
    // An entry is whole once its last file is there (each is renamed into place complete, the body last).
    const listed = await readdir(dir);
    const files = new Set(listed);
    const names = listed.filter((name) => name.endsWith('.br')).map((name) => name.slice(0, -3));
    const renderedFile = join(dir, RENDERED_FILE);
    const present = new Set(names.filter((name) => files.has(name) && files.has(`${name}.gz`)));
    return new BodyStore(salt, dir, present, listed, await readStoredMap<string, string>(renderedFile), renderedFile, compress);
  }

  /** The ETag of the body last rendered from these inputs, if the store still holds it. */
  etagFor(inputs: string): string | undefined {
    const etag = this.renderedBefore.get(inputs);
    return etag !== undefined && this.present.has(entryName(etag)) ? etag : undefined;
  }

  /** Places `<file>`, `<file>.gz` and `<file>.br` for `body`, storing and compressing it only on a miss. */
  async place(body: Buffer, etag: string, file: string, inputs?: string): Promise<void> {
    const name = entryName(etag);
    if (inputs) this.rendered.set(inputs, etag);
    await this.ensure(name, body);
    if (!(await this.placeStored(etag, file))) {
      // Removed since the store was opened (a concurrent build's clean-up): store it again.
      await this.ensure(name, body);
      if (!(await this.placeStored(etag, file))) throw new Error(`the build cache entry ${name} keeps disappearing`);
    }
  }

  /**
   * Places a stored body without rendering it; false when the entry is gone
   * (the caller renders it). `inputs` are remembered for the next build.
   */
  async placeStored(etag: string, file: string, inputs?: string): Promise<boolean> {
    const name = entryName(etag);
    this.used.add(name);
    try {
      for (const encoding of ENCODINGS) await linkOrCopy(join(this.dir, `${name}${encoding}`), `${file}${encoding}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.present.delete(name);
      for (const encoding of ENCODINGS) await rm(`${file}${encoding}`, { force: true });
      return false;
    }
    if (inputs) this.rendered.set(inputs, etag);
    return true;
  }

  /**
   * Counts an entry as used by this build where a file already holds it
   * (the export's spare tree). `inputs` are remembered for the next build.
   * Synchronous: a build that changed nothing keeps every file of its site.
   */
  keep(etag: string, inputs?: string): void {
    this.used.add(entryName(etag));
    if (inputs) this.rendered.set(inputs, etag);
  }

  /** Stores `body`, just rendered, unless the store holds it already. */
  hold(etag: string, body: Buffer): Promise<void> {
    return this.ensure(entryName(etag), body);
  }

  /** A stored body's bytes. */
  read(etag: string): Promise<Buffer> {
    return readFile(join(this.dir, entryName(etag)));
  }

  /**
   * Records what this build rendered, and drops entries it did not use and
   * every other setting's entries. The folder is not listed again (at 10k
   * items it holds about 50k files): entries stored since it was opened are
   * this build's own, or a concurrent build's, which it cleans up itself.
   */
  async finish(): Promise<void> {
    await Promise.all(this.storing.values());
    await writeStoredMap(this.renderedFile, this.rendered);
    for (const file of this.listed) {
      if (file === RENDERED_FILE) continue;
      // A temporary file is a concurrent build's entry in the making, unless its process is gone.
      const pid = /\.(\d+)\.tmp$/.exec(file);
      if (pid ? !isRunning(Number(pid[1])) : !this.used.has(file.replace(/\.(gz|br)$/, ''))) await rm(join(this.dir, file), { force: true });
    }
    await dropOtherVersions(dirname(this.dir), basename(this.dir));
  }

  private async ensure(name: string, body: Buffer): Promise<void> {
    if (this.present.has(name)) return;
    let pending = this.storing.get(name);
    if (!pending) {
      pending = this.store(name, body).finally(() => this.storing.delete(name));
      this.storing.set(name, pending);
    }
    await pending;
  }

  private async store(name: string, body: Buffer): Promise<void> {
    const compressed = await this.compress(body);
    // The body last: open() counts an entry whose three files are there.
    for (const [encoding, bytes] of [['.gz', compressed.gzip], ['.br', compressed.br], ['', body]] as const) {
      const file = join(this.dir, `${name}${encoding}`);
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, bytes, { mode: 0o444 });
      await rename(temporary, file);
    }
    this.present.add(name);
  }
}

/** Which ETag each set of render inputs gave, in the last build that finished. */
const RENDERED_FILE = 'rendered.v8';

/** The store's folder for this compression setting and rendering code, under `root`. */
function storeFolder(root: string): { salt: string; dir: string } {
  const salt = createHash('sha256').update(COMPRESSION_SETTINGS).update(codeVersion(['publish/site.js'])).digest('hex').slice(0, 16);
  return { salt, dir: join(root, 'bodies', salt) };
}

/**
 * The bodies the last finished build stored under `root`, for a server to
 * read rather than render and compress again: after a 10k build, a server
 * that rendered and compressed its whole site (1.1 GB of bodies) kept both
 * cores busy for about 40 s and grew to 1.7 GB. Read-only: it writes and
 * removes nothing. Entries are trusted as the static export trusts them:
 * named by their body's hash, written whole and renamed into place,
 * read-only. One gone since (a later build dropped it) reads as undefined.
 * With `previous`, the reader of an earlier call is kept if no build has
 * finished since (the index file is the same), else read anew, so a server
 * also finds what builds run beside it stored.
 */
export async function readStoredSite(root: string, previous?: StoredSiteReader): Promise<StoredSiteReader> {
  const { dir } = storeFolder(root);
  const index = join(dir, RENDERED_FILE);
  const stamp = await stat(index).then(
    (info) => `${info.ino}:${info.size}:${info.mtimeMs}`,
    () => undefined,
  );
  if (previous && previous.dir === dir && previous.stamp === stamp) return previous;
  return new StoredSiteReader(dir, stamp, await readStoredMap<string, string>(index));
}

/** What readStoredSite gives: the stored body of each set of render inputs. */
export class StoredSiteReader implements StoredSite {
  constructor(
    readonly dir: string,
    /** Identity of the index file it was read from; undefined when there was none. */
    readonly stamp: string | undefined,
    private readonly rendered: ReadonlyMap<string, string>,
  ) {}

  has(inputs: string): boolean {
    return this.rendered.has(inputs);
  }

  read(inputs: string): StoredBody | undefined {
    const etag = this.rendered.get(inputs);
    if (etag === undefined) return undefined;
    const file = join(this.dir, entryName(etag));
    try {
      // Synchronous: a request is answered from it. The files are a few hundred kilobytes at most, read once.
      return { body: readFileSync(file), etag, gzip: readFileSync(`${file}.gz`), br: readFileSync(`${file}.br`) };
    } catch {
      // Gone or unreadable: the caller renders the body, as without a store.
      return undefined;
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** ETags are quoted base64url: without the quotes, a file name. */
function entryName(etag: string): string {
  return etag.slice(1, -1);
}

/** A hard link where the file system allows one; a copy across devices or past the link limit. */
async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EMLINK' && code !== 'EPERM' && code !== 'ENOTSUP') throw error;
    await copyFile(from, to);
  }
}
