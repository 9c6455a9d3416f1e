import { execFile } from 'node:child_process';
import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import { createHash } from 'node:crypto';
import { lstat, open, readdir, readFile, realpath, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { promisify } from 'node:util';
import type { DocumentFailure, RawDocument } from '../types.js';
import { mapLimit } from '../concurrency.js';
import { isDocumentPath } from './detect.js';
import { yaml } from '../load-on-use.js';

const run = promisify(execFile);

/** Files larger than this are refused before they are read, so memory stays bounded. */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

/**
 * Documents read at once: enough to keep libuv's thread pool busy (one at a
 * time left the build waiting on the disk for most of its reading), few
 * enough that the open files stay far below the descriptor limit and at most
 * this many documents' bytes past the limit are ever held.
 */
const READ_CONCURRENCY = 32;

export interface ReadResult {
  documents: RawDocument[];
  failures: DocumentFailure[];
  /** Paths git knows were deleted from the folder (documents that were published once). */
  deleted: string[];
  /** In a git work tree: what git said, at which commit, for a watcher's next reading (ReadSince). */
  git?: GitSnapshot;
  /** What the folder held, for a watcher's next reading (ReadSince): it lists the folder again only when it must. */
  listing?: Listing;
}

/** The files a reading found under the seeds folder (hidden ones aside). */
export interface Listing {
  /** Every file's path (documents, sidecars and the rest). */
  names: ReadonlySet<string>;
  /** The documents' paths, sorted. */
  documents: readonly string[];
  /** Paths that are symbolic links. */
  links: ReadonlySet<string>;
}

/** What git said of the folder when HEAD was `head`. */
export interface GitSnapshot {
  head: string;
  history: GitHistory;
}

/**
 * Digests of seeds as last read, by file stat: a file whose stat says it is
 * unchanged is not read (its bytes are read, and checked against the digest,
 * only if the build must parse it). A reading given digests holds at most
 * `heldBytes` of the files it read: each use of the others' bytes reads them
 * again, checked the same way.
 */
export interface SeedDigests {
  /** The digest of the file at `path` when these stats show it unchanged since it was read. */
  digestOf(path: string, stats: Stats): string | undefined;
  /** Records a file just read: its stats, the digest of its bytes and when it was read. */
  remember(path: string, stats: Stats, digest: string, readAt: number): void;
}

/** What a watcher knows since the last read: only these paths (and documents under or beside them) need reading again. */
export interface ReadSince {
  previous: ReadResult;
  /** Changed paths relative to the folder, `/`-separated: files, sidecars or folders. */
  changed: ReadonlySet<string>;
}

/**
 * Reads every document under `dir`, in a stable order (sorted paths) so the
 * build does not depend on the order the file system lists them. A file that
 * can't be read is a failure of that file only. With `since`, a document
 * whose file, sidecar, folders and git dates did not change keeps its
 * previous reading, and the folder's files are the last reading's and the
 * paths named (listingSince): `since` must name every path changed since
 * its previous reading.
 */
export async function readSeeds(dir: string, since?: ReadSince, digests?: SeedDigests, heldBytes = HELD_BYTES): Promise<ReadResult> {
  const root = await realpath(dir);
  const listing = (since && (await listingSince(root, since))) || listingOf(await listFiles(root));
  const { names, links, documents: paths } = listing;
  const { history, git } = await historySince(root, since);
  let held = 0;
  const hold = (size: number): boolean => (held + size <= heldBytes ? ((held += size), true) : false);
  // Documents known unchanged are taken as they are, here; only the rest go through reading (a watcher's rebuild: one or two of 10k).
  const failed: (DocumentFailure | undefined)[] = [];
  const toRead: number[] = [];
  const before = since?.previous.documents ?? [];
  const noHistory = history.files.size === 0 && history.dirty.size === 0;
  let documents: (RawDocument | undefined)[];
  if (since && listing === since.previous.listing && noHistory && !since.previous.git && links.size === 0 && before.length === paths.length && ![...since.changed].some(sidecarExtension)) {
    // The same files, all read last time, outside git: the last reading's documents are these paths, one for
    // one, and only the named ones are read again. Walking all of them took 7-15 ms of a 10k watch rebuild.
    documents = before.slice();
    for (const path of since.changed) {
      const i = sortedIndex(paths, path);
      if (i !== undefined) toRead.push(i);
    }
  } else {
    // The last reading's documents are in path order too, so one walk along both finds each one's last reading.
    const isTouched = since ? touched(since.changed) : () => true;
    documents = new Array(paths.length);
    let at = 0;
    paths.forEach((path, i) => {
      while (at < before.length && before[at]!.path < path) at++;
      const known = before[at]?.path === path ? before[at] : undefined;
      // A link is read again every time: its target can change without the watcher naming the link (links are few).
      if (known && !isTouched(path) && (links.size === 0 || !links.has(path)) && sameHistory(known, history.files.get(path), history.dirty.has(path))) documents[i] = known;
      else toRead.push(i);
    });
  }
  await mapLimit(toRead, READ_CONCURRENCY, async (i) => {
    const path = paths[i]!;
    const commits = history.files.get(path);
    const dirty = history.dirty.has(path);
    try {
      const dates = { ...(commits ? { gitDate: commits.first, gitUpdated: commits.last } : {}), ...(dirty ? { dirty } : {}) };
      documents[i] = await readDocument(root, path, dates, names, links.has(path), digests, hold);
    } catch (error) {
      // A document read last time and failing now is left out: its last reading is not kept here.
      documents[i] = undefined;
      failed[i] = { path, reason: readFailure(error) };
    }
  });
  const deleted = history.deleted.filter((path) => !names.has(path) && isDocumentPath(path));
  return {
    documents: toRead.some((i) => !documents[i]) ? documents.filter((doc) => doc !== undefined) : (documents as RawDocument[]),
    failures: failed.filter((failure) => failure !== undefined),
    deleted,
    listing,
    ...(git ? { git } : {}),
  };
}

function listingOf(listed: readonly Listed[]): Listing {
  const names = new Set(listed.map((file) => file.path));
  const links = new Set(listed.filter((file) => file.link).map((file) => file.path));
  return { names, links, documents: [...names].filter(isDocumentPath).sort() };
}

/**
 * The folder's files as the last reading found them, changed where the
 * watcher named a path, without listing the folder: at 10k seeds, listing,
 * filtering and sorting it took 15-25 ms of every watch rebuild. Undefined,
 * and the folder is listed, when a named path is a folder, a link or a
 * folder gone, or the last reading found links (their targets change unnamed).
 */
async function listingSince(root: string, since: ReadSince): Promise<Listing | undefined> {
  const last = since.previous.listing;
  if (!last || last.links.size > 0) return undefined;
  const added: string[] = [];
  const gone: string[] = [];
  for (const path of since.changed) {
    if (path.split('/').some(isHidden)) continue;
    let info: Stats | undefined;
    try {
      info = await lstat(join(root, path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
    }
    if (info && !info.isFile()) return undefined;
    if (last.names.has(path)) {
      if (!info) gone.push(path);
      continue;
    }
    // A path new to the listing that held files once (a folder deleted, or replaced by a file) is listed anew.
    const folder = `${path}/`;
    for (const name of last.names) if (name.startsWith(folder)) return undefined;
    // Else a new file, or one that came and went (an editor's temporary file).
    if (info) added.push(path);
  }
  if (added.length === 0 && gone.length === 0) return last;
  const names = new Set(last.names);
  for (const path of gone) names.delete(path);
  for (const path of added) names.add(path);
  return { names, links: last.links, documents: [...names].filter(isDocumentPath).sort() };
}

const SIDECARS = ['.meta.json', '.meta.yaml', '.meta.yml'];

/** The sidecar suffix `path` ends with, if it is a sidecar's path. */
function sidecarExtension(path: string): string | undefined {
  return SIDECARS.find((ext) => path.endsWith(ext));
}

/** Where `path` is in `sorted` (ascending, as sort() orders strings), if it is there. */
function sortedIndex(sorted: readonly string[], path: string): number | undefined {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < path) low = middle + 1;
    else high = middle;
  }
  return sorted[low] === path ? low : undefined;
}

/**
 * Whether a document may differ from its last reading: it, its sidecar or
 * one of its folders changed. The changed paths are sorted out once, so
 * that the 10k documents of a watcher's rebuild cost a lookup each.
 */
function touched(changed: ReadonlySet<string>): (path: string) => boolean {
  const stems = new Set<string>();
  for (const path of changed) {
    const ext = sidecarExtension(path);
    if (ext) stems.add(path.slice(0, -ext.length));
  }
  return (path) => changedAt(path, changed) || (stems.size > 0 && stems.has(path.replace(/\.[^./]+$/, '')));
}

/** Whether `path`, or a folder it is in, is one of the changed paths. */
function changedAt(path: string, changed: ReadonlySet<string>): boolean {
  if (changed.has(path)) return true;
  for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) if (changed.has(path.slice(0, slash))) return true;
  return false;
}

function sameHistory(doc: RawDocument, commits: CommitDates | undefined, dirty: boolean): boolean {
  return doc.gitDate?.getTime() === commits?.first.getTime() && doc.gitUpdated?.getTime() === commits?.last.getTime() && (doc.dirty ?? false) === dirty;
}

/** What git says of a document: the dates of its first and last commits, and whether its working copy has edits. */
type GitDates = Pick<RawDocument, 'gitDate' | 'gitUpdated' | 'dirty'>;

/**
 * `listed`: every file the listing found, so sidecars that are not there cost no failed open.
 * `link`: the listing found a symlink (the listing never enters a linked folder, so any other path is real).
 */
async function readDocument(
  root: string,
  path: string,
  dates: GitDates,
  listed: ReadonlySet<string>,
  link: boolean,
  digests: SeedDigests | undefined,
  hold: (size: number) => boolean,
): Promise<RawDocument> {
  const full = join(root, path);
  const sidecar = hasSidecar(path, listed);
  if (digests && !link && !sidecar) {
    // A plain file the last reading saw as it is now: its digest stands for its bytes. The stat is
    // synchronous: ten thousand through the thread pool took 140 ms, in this thread about 30.
    const info = lstatSync(full, { throwIfNoEntry: false });
    const digest = info?.isFile() ? digests.digestOf(path, info) : undefined;
    if (digest && info) return new UnreadDocument(full, { path, digest, mtime: info.mtime, ...dates });
  }
  // A symlink may point anywhere; only files that really live under the seeds folder are published.
  const real = link ? await realpath(full) : full;
  if (real !== root && !real.startsWith(root + sep)) throw new Error('is a symlink to a file outside the seeds folder');
  // One open file is checked and read: a file swapped for a symlink after the check, or grown
  // after its size was read, cannot slip past the limits (O_NOFOLLOW refuses a new symlink).
  // O_NONBLOCK: opening a named pipe would otherwise wait for a writer, stalling the build.
  const readAt = Date.now();
  const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  let info, bytes;
  try {
    info = await handle.stat();
    if (!info.isFile()) throw new Error('is not a regular file');
    if (info.size > MAX_DOCUMENT_BYTES) throw new Error(`is ${(info.size / 1048576).toFixed(1)} MB, ${OVER_LIMIT}`);
    bytes = await readAtMost(handle, info.size, MAX_DOCUMENT_BYTES);
  } finally {
    await handle.close();
  }
  const digest = digestOf(bytes);
  if (digests && !link && !sidecar) digests.remember(path, info, digest, readAt);
  const meta = sidecar ? await readSidecar(full, sidecar) : undefined;
  const document = { path, digest, mtime: info.mtime, ...dates, ...(meta ? { sidecar: meta } : {}) };
  // A one-shot build holds at most `heldBytes` of what it read: at 100k seeds the bytes were 482 MB,
  // kept from the reading to the end of the build, when each is parsed once (or not at all, if cached).
  return digests ? new UnreadDocument(real, document, hold(bytes.length) ? bytes : undefined) : { ...document, bytes };
}

/** The digest of a document's bytes (RawDocument.digest). */
export function digestOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64url');
}

/**
 * A document whose bytes, unless the reading held them, are read from its
 * file on each use, and checked against the digest a reading took; bytes
 * that no longer match (the file changed since) fail that document, not the
 * build. A class, so that 100k of them share one shape and one getter: with
 * a getter each, the documents of a 100k reading took 65 MB of heap (650
 * bytes a document; as this class, 4 MB at 10k).
 */
class UnreadDocument implements RawDocument {
  readonly #file: string;
  readonly #bytes: Buffer | undefined;
  declare path: string;
  declare digest: string;
  declare mtime: Date;

  constructor(file: string, document: Omit<RawDocument, 'bytes'> & { digest: string }, bytes?: Buffer) {
    this.#file = file;
    this.#bytes = bytes;
    Object.assign(this, document);
  }

  get bytes(): Buffer {
    return this.#bytes ?? readUnchanged(this.#file, this.digest);
  }
}

/**
 * The bytes of a file stat'ed unchanged, read synchronously (from a getter):
 * opened as readDocument opens files, so a file swapped for a symlink or a
 * named pipe since is refused instead of followed or waited on.
 */
function readUnchanged(file: string, digest: string): Buffer {
  const changed = new Error('changed while the build read it; build again');
  const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const info = fstatSync(fd);
    if (!info.isFile() || info.size > MAX_DOCUMENT_BYTES) throw changed;
    const bytes = readFileSync(fd);
    if (digestOf(bytes) !== digest) throw changed;
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/**
 * Bytes of the files it read that a reading with digests holds (the rest are
 * read again on use): a corpus of 10k seeds (48 MB) is held whole, as a
 * document saved while the build runs is then published as it was read,
 * while 100k seeds (482 MB) are not.
 */
const HELD_BYTES = 64 * 1024 * 1024;

const OVER_LIMIT = `over the ${MAX_DOCUMENT_BYTES / 1048576} MB limit for one document`;

/** The file's bytes to its end, refusing (without holding them) any beyond `limit`, even if it grows while read. */
async function readAtMost(handle: FileHandle, expected: number, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  // One byte more than expected, to notice growth; then small steps.
  let want = expected + 1;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(want, limit + 1 - total));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
    if (total > limit) throw new Error(`grew while it was read, ${OVER_LIMIT}`);
    // A short read of a regular file is its end: no second read to hear it (a warm build is mostly reading).
    if (bytesRead < chunk.length) break;
    want = 64 * 1024;
  }
  return Buffer.concat(chunks, total);
}

/** The sidecar file beside a document (relative path), if the listing found one. */
function hasSidecar(relativePath: string, listed: ReadonlySet<string>): string | undefined {
  const stem = relativePath.replace(/\.[^./]+$/, '');
  return SIDECARS.map((ext) => stem + ext).find((name) => listed.has(name));
}

async function readSidecar(documentPath: string, sidecarPath: string): Promise<Record<string, unknown> | undefined> {
  const ext = sidecarExtension(sidecarPath)!;
  const file = documentPath.replace(/\.[^./]+$/, '') + ext;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return ext === '.meta.json' ? JSON.parse(text) : yaml().parse(text);
  } catch (error) {
    throw new Error(`sidecar ${basename(file)} is not valid ${ext === '.meta.json' ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`);
  }
}

interface Listed {
  path: string;
  link: boolean;
}

/** A dot-file or dot-folder: the listing leaves it out, and what is under it. */
function isHidden(name: string): boolean {
  return name.startsWith('.');
}

/** Every file under `dir` but hidden ones, by path relative to it, `/`-separated, built as the listing goes down. */
async function listFiles(dir: string, prefix = ''): Promise<Listed[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: Listed[] = [];
  for (const entry of entries) {
    if (isHidden(entry.name)) continue;
    const path = prefix + entry.name;
    if (entry.isDirectory()) files.push(...(await listFiles(join(dir, entry.name), `${path}/`)));
    else if (entry.isFile() || entry.isSymbolicLink()) files.push({ path, link: entry.isSymbolicLink() });
  }
  return files;
}

interface CommitDates {
  first: Date;
  last: Date;
}

export interface GitHistory {
  files: Map<string, CommitDates>;
  /** Files whose working copy differs from the last commit. */
  dirty: Set<string>;
  deleted: string[];
}

/**
 * What git knows about the folder at `prefix` of its repository, from one
 * `git log` and one `git status`: when each file was first and last
 * committed, which files have uncommitted edits, and which were deleted.
 */
async function gitHistory(dir: string, prefix: string): Promise<GitHistory> {
  const history = noHistory();
  try {
    const log = (await run('git', ['log', '--format=%x01%cI', '--name-status', '--no-renames', '-z', '--', '.'], { cwd: dir, maxBuffer: 512 * 1024 * 1024 })).stdout;
    const status = (await run('git', ['status', '--porcelain', '-z', '--untracked-files=no', '--', '.'], { cwd: dir, maxBuffer: 64 * 1024 * 1024 })).stdout;
    const deletedAt = new Map<string, number>();
    // Newest commits come first: the first date seen for a path is its last commit, the last seen its first.
    let current: Date | undefined;
    const fields = log.split(/\0|\n/).filter(Boolean);
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!;
      if (field.startsWith('\u0001')) {
        current = new Date(field.slice(1));
        continue;
      }
      const path = fields[++i];
      if (!current || path === undefined || !path.startsWith(prefix)) continue;
      const relative = path.slice(prefix.length);
      if (field === 'D') {
        if (!deletedAt.has(relative)) deletedAt.set(relative, current.getTime());
        continue;
      }
      const known = history.files.get(relative);
      history.files.set(relative, { first: current, last: known?.last ?? current });
    }
    history.deleted = [...deletedAt.keys()].sort();
    for (const path of modifiedPaths(status, prefix)) history.dirty.add(path);
  } catch {
    return noHistory();
  }
  return history;
}

/** What git says of a folder outside a repository, or of a repository without a commit. */
function noHistory(): GitHistory {
  return { files: new Map(), dirty: new Set(), deleted: [] };
}

/** Most changed paths a watcher's reading asks `git status` about by name; beyond, it asks about the folder. */
const MAX_STATUS_PATHS = 64;

/**
 * gitHistory for a reading, and the snapshot the next one can start from.
 * While HEAD has not moved, the commits are the same, so a watcher's reading
 * keeps the last history and asks git only whether the changed paths have
 * uncommitted edits: `git log` and `git status` over a 10k folder took about
 * 100 ms of every rebuild. An edit git sees but the watcher does not report
 * is missed, as it is for the file's bytes.
 */
async function historySince(root: string, since?: ReadSince): Promise<{ history: GitHistory; git?: GitSnapshot }> {
  // Starting git costs a fork of this process (about 0.1 s in a watcher holding a large site): not for a plain folder.
  if (!process.env.GIT_DIR && !(await insideWorkTree(root))) return { history: noHistory() };
  const where = await run('git', ['rev-parse', '--show-prefix', 'HEAD'], { cwd: root }).then(
    ({ stdout }) => stdout.split('\n'),
    () => undefined,
  );
  const prefix = where?.[0]?.trim() ?? '';
  const head = where?.[1]?.trim();
  // No commit yet: no file has a date or an edit since one.
  if (!head) return { history: noHistory() };
  const known = since?.previous.git;
  if (since && known?.head === head && since.changed.size <= MAX_STATUS_PATHS) {
    const changed = [...since.changed];
    const dirty = new Set([...known.history.dirty].filter((path) => !changedAt(path, since.changed)));
    try {
      if (changed.length > 0) {
        const { stdout } = await run('git', ['--literal-pathspecs', 'status', '--porcelain', '-z', '--untracked-files=no', '--', ...changed], { cwd: root });
        for (const path of modifiedPaths(stdout, prefix)) dirty.add(path);
      }
      const history = { ...known.history, dirty };
      return { history, git: { head, history } };
    } catch {
      // Asked again whole, below.
    }
  }
  const history = await gitHistory(root, prefix);
  return { history, git: { head, history } };
}

/** The paths `git status --porcelain -z` lists as modified (staged or not), relative to the folder at `prefix`. */
function modifiedPaths(status: string, prefix: string): string[] {
  const paths: string[] = [];
  for (const entry of status.split('\0')) {
    if (entry.length > 3 && (entry[0] === 'M' || entry[1] === 'M') && entry.slice(3).startsWith(prefix)) paths.push(entry.slice(3 + prefix.length));
  }
  return paths;
}

/** Whether `dir` or a folder above it holds a `.git` (a repository's folder, or a worktree's file). */
async function insideWorkTree(dir: string): Promise<boolean> {
  for (let current = dir; ; ) {
    try {
      await stat(join(current, '.git'));
      return true;
    } catch {
      const parent = dirname(current);
      if (parent === current) return false;
      current = parent;
    }
  }
}

function readFailure(error: unknown): string {
  const err = error as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') return 'disappeared while the build was reading it';
  if (err.code === 'EACCES') return 'cannot be read (permission denied)';
  if (err.code === 'ELOOP') return 'is a symlink loop, or was replaced by a symlink while the build read it';
  return err.message;
}

