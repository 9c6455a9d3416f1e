import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { link, mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { readStoredMap, writeStoredMap } from '../build/stored-map.js';
import { mapLimit } from '../concurrency.js';
import { ENCODINGS } from './site.js';
import { swapIn } from './swap.js';

/** File-system calls in flight at once, as for the export's writes. */
const CONCURRENCY = 32;

/** The files of an exported tree: each file's path relative to the tree, and the ETag of its body. */
export type TreeFiles = ReadonlyMap<string, string>;

/** What one exported tree held when the export finished with it. */
interface TreeRecord {
  /** The stored bodies' version (compression settings, rendering code): the siblings of a body differ across versions. */
  version: string;
  /** The tree folder's inode: an exchange swaps the names, the inodes stay with their trees. */
  ino: number;
  files: TreeFiles;
  /** Each folder's mtime in ns ('' is the tree itself): adding or removing a file by hand changes its folder's. */
  folders: ReadonlyMap<string, bigint>;
}

type Slot = 'published' | 'spare';

/**
 * A second copy of the published tree, kept in the build cache between
 * builds, so an export changes only the files that differ instead of
 * linking every file into a fresh folder (48k links and a 48k-file removal
 * at 10k documents were most of a warm build).
 *
 * The export brings the spare up to date, exchanges it with the published
 * tree (so readers still see the old tree or the new one whole), and keeps
 * the tree it replaced as the next spare. A spare is trusted only as it was
 * recorded: same folder inode, every folder's mtime unchanged (a file added
 * or deleted by hand, a git checkout, a crash while it was being filled: all
 * change one or remove the record). An untrusted spare is emptied and filled
 * whole. The record is dropped before a spare is touched, so a crash leaves
 * no record that could be believed.
 *
 * Exchange needs both trees on one file system: `open` returns nothing when
 * the cache folder is on another.
 */
export class SpareTree {
  private constructor(
    private readonly out: string,
    private readonly dir: string,
    private readonly recordFile: string,
    private records: Map<Slot, TreeRecord>,
    private readonly version: string,
  ) {}

  /** The spare for `out` under the cache folder `root`, e.g. ".wirefeed-cache", holding bodies of the store `version`. */
  static async open(root: string, out: string, version: string): Promise<SpareTree | undefined> {
    const absolute = resolve(out);
    const base = join(root, 'trees', createHash('sha256').update(absolute).digest('base64url').slice(0, 16));
    await mkdir(base, { recursive: true });
    const [cache, parent] = await Promise.all([stat(base), stat(dirname(absolute)).catch(() => undefined)]);
    if (!parent || cache.dev !== parent.dev) return undefined;
    const recordFile = join(base, 'records.v8');
    return new SpareTree(absolute, join(base, 'tree'), recordFile, await readStoredMap<Slot, TreeRecord>(recordFile), version);
  }

  /** The files of the published tree, when it is still as the last export recorded it. */
  async published(): Promise<TreeFiles | undefined> {
    const record = this.records.get('published');
    return record && record.version === this.version && matches(this.out, record) ? record.files : undefined;
  }

  /**
   * The folder to fill and the files it holds: the spare as recorded, or an
   * empty folder when it cannot be trusted. Its record is dropped first.
   */
  async take(): Promise<{ dir: string; files: TreeFiles }> {
    const record = this.records.get('spare');
    if (record) {
      this.records.delete('spare');
      await this.saveRecords();
    }
    if (record && record.version === this.version && matches(this.dir, record)) return { dir: this.dir, files: record.files };
    await rm(this.dir, { recursive: true, force: true });
    await mkdir(this.dir, { recursive: true });
    return { dir: this.dir, files: new Map() };
  }

  /**
   * Puts the filled spare (holding `files`) in place of the published tree,
   * and keeps the tree it replaces as the next spare when its record is good;
   * otherwise the new tree is linked again into a fresh spare, so the next
   * build starts from one.
   */
  async publish(files: TreeFiles): Promise<void> {
    const filled = record(this.dir, files, this.version);
    const before = this.records.get('published');
    const current = await stat(this.out).catch(() => undefined);
    const kept = await swapIn(this.dir, this.out, { keepOld: true });
    this.records.set('published', filled);
    if (kept && before && before.version === this.version && current?.ino === before.ino) {
      this.records.set('spare', before);
      await this.saveRecords();
      return;
    }
    await this.saveRecords();
    await rm(this.dir, { recursive: true, force: true });
    await cloneTree(this.out, this.dir, files);
    this.records.set('spare', record(this.dir, files, this.version));
    await this.saveRecords();
  }

  private saveRecords(): Promise<void> {
    return writeStoredMap(this.recordFile, this.records);
  }
}

/** The folders that hold `files`, the tree itself ('') included. */
export function foldersOf(files: Iterable<string>): Set<string> {
  const folders = new Set<string>(['']);
  for (const file of files) {
    for (let slash = file.lastIndexOf('/'); slash > 0; slash = file.lastIndexOf('/', slash - 1)) {
      const folder = file.slice(0, slash);
      if (folders.has(folder)) break;
      folders.add(folder);
    }
  }
  return folders;
}

/** Synchronous, like `matches`. */
function record(dir: string, files: TreeFiles, version: string): TreeRecord {
  const folders = [...foldersOf(files.keys())];
  return { version, ino: statSync(dir).ino, files, folders: new Map(folders.map((folder) => [folder, statSync(join(dir, folder), { bigint: true }).mtimeNs])) };
}

/**
 * Synchronous: thousands of folders (one per tag and archive page) are each
 * stat'ed in microseconds, where the promise of each asynchronous stat cost
 * more than the stat (60 ms of a 10k warm build).
 */
function matches(dir: string, expected: TreeRecord): boolean {
  // Whole-second times (a file system without finer ones) could hide a change made in the same second.
  if ([...expected.folders.values()].every((mtime) => mtime % 1_000_000_000n === 0n)) return false;
  try {
    if (statSync(dir).ino !== expected.ino) return false;
    for (const [folder, mtime] of expected.folders) if (statSync(join(dir, folder), { bigint: true }).mtimeNs !== mtime) return false;
    return true;
  } catch {
    return false;
  }
}

/** Links every file of the tree at `from` (body and precompressed siblings) into a new tree at `to`. */
async function cloneTree(from: string, to: string, files: TreeFiles): Promise<void> {
  const folders = [...foldersOf(files.keys())].sort((a, b) => a.length - b.length);
  for (const folder of folders) await mkdir(join(to, folder), { recursive: true });
  await mapLimit(files.keys(), CONCURRENCY, async (file) => {
    for (const encoding of ENCODINGS) await link(join(from, file + encoding), join(to, file + encoding));
  });
}
